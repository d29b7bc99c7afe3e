"""FAISS approximate vs exact search on 1M clustered tag-like vectors: recall@10 and queries/s.

usage: python -m bench.faiss_ann [--n 1000000] [--dim 512] [--queries 2000] [--hnsw/--no-hnsw]
Target: an approximate index with recall@10 >= 0.95 against exact search at >= 10x its queries/s.
The HNSW runs use gnn.embed.build_index, the index the product builds above EXACT_MAX vectors. With --real (the
100k benchmark graph's cached sentence vectors, ~300k) the same comparison runs on real embeddings too.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import faiss
import numpy as np

from bench.common import write_result
from gnn.embed import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M, build_index
from video.encode import cached_vectors


def clustered(n: int, dim: int, n_clusters: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors around random centres with uneven spread, like embeddings of a tag library."""
    centres = rng.normal(size=(n_clusters, dim)).astype(np.float32)
    which = rng.integers(0, n_clusters, n)
    spread = rng.uniform(0.3, 0.8, n_clusters).astype(np.float32)[which, None]
    x = centres[which] + spread * rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def timed_search(index, q: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    t = time.perf_counter()
    _, ids = index.search(q, k)
    return ids, len(q) / (time.perf_counter() - t)


def recall(approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact)]))


def measure(base: np.ndarray, q: np.ndarray, k: int, hnsw: bool, rng: np.random.Generator) -> dict:
    """Exact search vs IVF (nprobe sweep) and the shipped HNSW (efSearch sweep): recall@k and queries/s ratios."""
    dim = base.shape[1]
    exact = faiss.IndexFlatIP(dim)
    exact.add(base)
    truth, exact_qps = timed_search(exact, q, k)
    del exact
    runs = []

    def run(index: str, knob: dict, build_s: float, searcher, shipped: bool = False) -> None:
        ids, qps = timed_search(searcher, q, k)
        runs.append({"index": index, **knob, "shipped": shipped, "build_s": round(build_s, 1),
                     "recall@10": round(recall(ids, truth), 4), "qps": round(qps, 1),
                     "speedup": round(qps / exact_qps, 1)})
        print(json.dumps(runs[-1]))

    nlist = int(4 * np.sqrt(len(base)))
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    t = time.perf_counter()
    ivf.train(base[rng.choice(len(base), min(len(base), 50 * nlist), replace=False)])
    ivf.add(base)
    build_s = time.perf_counter() - t
    for nprobe in (8, 16, 32, 64):
        ivf.nprobe = nprobe
        run(f"IVFFlat(nlist={nlist})", {"nprobe": nprobe}, build_s, ivf)
    del ivf
    if hnsw:
        t = time.perf_counter()
        index = build_index(base, exact_max=0)   # HNSW at any size: the builder and settings that ship
        build_s = time.perf_counter() - t
        for ef in (64, HNSW_EF_SEARCH, 256):
            index.hnsw.efSearch = ef
            run(f"HNSWFlat(M={HNSW_M}, efConstruction={HNSW_EF_CONSTRUCTION})", {"efSearch": ef}, build_s, index,
                shipped=ef == HNSW_EF_SEARCH)
    ok = [r for r in runs if r["recall@10"] >= 0.95 and r["speedup"] >= 10]
    best = max(ok, key=lambda r: r["qps"]) if ok else max(runs, key=lambda r: r["recall@10"])
    return {"vectors": len(base), "dim": dim, "queries": len(q), "k": k,
            "exact": {"index": "IndexFlatIP", "qps": round(exact_qps, 1)}, "runs": runs, "best": best,
            "shipped": next((r for r in runs if r["shipped"]), None), "met": bool(ok)}


def cached_sentence_vectors(x: np.ndarray, n_queries: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Real 512-d unit sentence vectors (a video.encode cache: video fields, queries, tag names), split base/queries."""
    order = rng.permutation(len(x))
    return np.ascontiguousarray(x[order[n_queries:]]), np.ascontiguousarray(x[order[:n_queries]])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=512, help="the GNN's output size (gnn.train.TrainConfig.out_dim)")
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--clusters", type=int, default=5000)
    ap.add_argument("--hnsw", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--real", type=Path, default=Path("data-bench100000/cache"),
                    help="sentence-encoder cache folder (from bench/graph.sh) for a real-data check; skipped if empty")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    k, threads = 10, faiss.omp_get_max_threads()
    rng = np.random.default_rng(args.seed)
    x = clustered(args.n + args.queries, args.dim, args.clusters, rng)
    result = {"clusters": args.clusters, "faiss_threads": threads,
              **measure(x[:args.n], x[args.n:], k, args.hnsw, rng)}
    del x
    real = cached_vectors(args.real)
    if len(real) > args.queries:
        result["real"] = {"source": str(args.real), **measure(*cached_sentence_vectors(real, args.queries, rng),
                                                                 k, args.hnsw, rng)}
    result["target"] = {"recall@10": 0.95, "speedup": 10}
    path = write_result("faiss_ann", result)
    print(json.dumps({"best": result["best"], "exact_qps": result["exact"]["qps"], "met": result["met"]}))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
