"""Neo4j vector-index query latency (p50/p99), recall and score error beside FAISS, on 100k tag-like vectors.

usage: python -m bench.vector_latency [--n 100000] [--dim 512] [--queries 500]
Uses tagkg's configured Neo4j (set TAGKG_NEO4J_HOME / TAGKG_BOLT_PORT to a private server) and a
throw-away :VecBench label with its own index, removed afterwards.
"""
from __future__ import annotations

import argparse
import json
import time

import faiss
import numpy as np
from tqdm import tqdm

from bench.common import write_result
from bench.faiss_ann import clustered
from gnn.embed import NEO4J_CANDIDATES, build_index
from graph.cypher import schema as Q
from graph.db import connect
from tagkg.config import Settings

# A throw-away label with its own vector index, so real indexes stay untouched.
VECTOR_INDEX = "CREATE VECTOR INDEX vecbench_embedding IF NOT EXISTS FOR (n:VecBench) ON n.embedding " + Q.VECTOR_INDEX_OPTIONS
VECTOR_INDEX_QUANTIZED = ("CREATE VECTOR INDEX vecbench_embedding IF NOT EXISTS FOR (n:VecBench) ON n.embedding "
                          "OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}}")
WRITE = "UNWIND $rows AS r CREATE (n:VecBench {id: r.id, embedding: r.vec})"
QUERY = ("CALL db.index.vector.queryNodes('vecbench_embedding', $candidates, $vec) YIELD node, score "
         "RETURN node.id AS id, score ORDER BY score DESC LIMIT $k")
CLEAR = "MATCH (n:VecBench) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"
DROP_INDEX = "DROP INDEX vecbench_embedding IF EXISTS"


def latencies(fn, queries: np.ndarray) -> tuple[dict, list]:
    """p50/p99/mean in ms of fn(q) per single query, and the results."""
    times, out = [], []
    for q in queries:
        t = time.perf_counter()
        out.append(fn(q))
        times.append((time.perf_counter() - t) * 1000)
    t = np.array(times)
    return {"p50_ms": round(float(np.percentile(t, 50)), 3), "p99_ms": round(float(np.percentile(t, 99)), 3),
            "mean_ms": round(float(t.mean()), 3)}, out


def recall(got: list, truth: np.ndarray) -> float:
    return round(float(np.mean([len(set(g) & set(t.tolist())) / len(t) for g, t in zip(got, truth)])), 4)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=512, help="the GNN's output size (gnn.train.TrainConfig.out_dim)")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x = clustered(args.n + args.queries, args.dim, 2000, rng)
    base, qs = x[:args.n], x[args.n:]
    graph = connect(Settings.from_env())

    while graph.execute(CLEAR)[0]["deleted"]:
        pass
    graph.execute(DROP_INDEX)
    t = time.perf_counter()
    for lo in tqdm(range(0, args.n, 2000), desc="write :VecBench"):
        graph.execute(WRITE, rows=[{"id": lo + i, "vec": v.tolist()} for i, v in enumerate(base[lo:lo + 2000])])
    write_s = time.perf_counter() - t

    exact = faiss.IndexFlatIP(args.dim)
    exact.add(base)
    _, truth = exact.search(qs, args.k)
    hnsw = build_index(base)   # the index the product builds above EXACT_MAX vectors
    runs, build_s = {}, {}
    # The shipped index (quantization off) against Neo4j's default (quantized), each queried for
    # k nodes and as the product queries it (NEO4J_CANDIDATES nodes, top k kept).
    for config, create in (("unquantized", VECTOR_INDEX), ("quantized", VECTOR_INDEX_QUANTIZED)):
        graph.execute(DROP_INDEX)
        t = time.perf_counter()
        graph.execute(create, dim=args.dim)
        graph.execute(Q.AWAIT_INDEXES, timeout_s=1800)
        build_s[config] = round(time.perf_counter() - t, 1)
        for suffix, candidates in (("", args.k), ("_oversampled", NEO4J_CANDIDATES)):
            for _ in range(20):   # warm the driver, the page cache and the JIT
                graph.query(QUERY, k=args.k, candidates=candidates, vec=qs[0].tolist())
            name = f"neo4j_{config}{suffix}"
            runs[name], got = latencies(
                lambda q: graph.query(QUERY, k=args.k, candidates=candidates, vec=q.tolist()), qs)
            runs[name]["candidates"] = candidates
            runs[name]["shipped"] = config == "unquantized" and candidates == NEO4J_CANDIDATES
            runs[name]["recall@10_vs_exact"] = recall([[r["id"] for r in rows] for rows in got], truth)
            # Neo4j reports cosine as (1 + cos) / 2
            runs[name]["max_score_error_vs_exact"] = round(float(max(
                abs(2 * r["score"] - 1 - float(base[r["id"]] @ q)) for rows, q in zip(got, qs) for r in rows)), 6)
    for name, index in (("faiss_exact_flat", exact), ("faiss_hnsw", hnsw)):
        runs[name], got = latencies(lambda q: index.search(q.reshape(1, -1), args.k)[1][0].tolist(), qs)
        runs[name]["recall@10_vs_exact"] = recall(got, truth)
    while graph.execute(CLEAR)[0]["deleted"]:
        pass
    graph.execute(DROP_INDEX)
    result = {"vectors": args.n, "dim": args.dim, "queries": args.queries, "k": args.k,
              "neo4j_write_s": round(write_s, 1), "neo4j_index_build_s": build_s, "runs": runs,
              "note": "single queries one at a time; Neo4j timings include the Bolt round trip from Python"}
    path = write_result("vector_latency", result)
    print(json.dumps(result, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
