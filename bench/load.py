"""Loader benchmark: batched UNWIND loads of 100k videos, products and 1M click rows vs a naive
one-row-per-transaction load of a 10k-row slice of the same data, in one run on a fresh server.

usage: python -m bench.load [--videos 100000] [--clicks 1000000] [--naive-rows 10000]
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import TMP, bench_settings, write_result
from tagkg.config import ROOT


def corpus(n_videos: int, seed: int) -> Path:
    """The demo corpus for this size, generated once and reused."""
    from demo.corpus import generate

    out = TMP / f"corpus-{n_videos}-seed{seed}"
    if not (out / "stats.json").exists():
        generate(out, n_videos, seed=seed)
    return out


def head(src: Path, dst: Path, n: int, skip: int = 0) -> int:
    """Copy lines skip..skip+n of src to dst; returns how many were copied."""
    copied = 0
    with open(src, "rb") as f, open(dst, "wb") as g:
        for line in itertools.islice(f, skip, skip + n):
            g.write(line)
            copied += 1
    return copied


def clicks_file(src: Path, dst: Path, n: int) -> tuple[int, int]:
    """Write n click rows; when the corpus has fewer, repeat its rows 26 weeks later (more log, same videos).

    Returns (rows written, rows that are shifted repeats)."""
    written = repeats = 0
    shift = 0
    with open(dst, "w", encoding="utf-8") as g:
        while written < n:
            for line in open(src, encoding="utf-8"):
                if written == n:
                    break
                if shift:
                    row = json.loads(line)
                    row["day"] = (date.fromisoformat(row["day"]) + timedelta(weeks=shift)).isoformat()
                    line = json.dumps(row, ensure_ascii=False) + "\n"
                    repeats += 1
                g.write(line)
                written += 1
            shift += 26
    return written, repeats


def timed_load(kind: str, path: Path, batch_size: int) -> dict:
    """Run `tagkg load` in a child process so its peak memory is the loader's own.

    rows/s uses the loader's own clock (reading, validation and writes, not interpreter start-up),
    the same for the naive and the batched run; wall time with start-up is kept beside it."""
    cmd = [sys.executable, "-m", "tagkg.cli", "load", kind, str(path), "--batch-size", str(batch_size), "--no-progress"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"load {kind} failed:\n{proc.stdout}\n{proc.stderr}")
    found = re.search(r"(\d+) rows read, (\d+) stored, \d+ rejected in ([\d.]+)s", proc.stdout)
    rows, seconds = int(found.group(1)), float(found.group(3))
    return {"rows": rows, "stored": int(found.group(2)), "batch_size": batch_size, "seconds": seconds,
            "wall_seconds": round(wall, 2), "rows_per_s": round(rows / seconds, 1)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--videos", type=int, default=100_000)
    ap.add_argument("--clicks", type=int, default=1_000_000)
    ap.add_argument("--naive-rows", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    src = corpus(args.videos, args.seed)
    work = TMP / "load"
    work.mkdir(parents=True, exist_ok=True)
    settings = bench_settings(fresh=True)
    from graph.db import connect
    from graph.schema import init_db
    from taxonomy.tree import load_taxonomy

    graph = connect(settings)
    init_db(graph, load_taxonomy())
    runs: dict[str, dict] = {}
    runs["tags"] = {"batched": timed_load("tags", src / "tags.jsonl", args.batch_size)}

    # Naive first on an empty graph (its best case), then remove the slice and load everything batched.
    head(src / "videos.jsonl", work / "videos-naive.jsonl", args.naive_rows)
    naive_videos = timed_load("videos", work / "videos-naive.jsonl", 1)
    graph.run_auto("MATCH (v:Video) CALL (v) { DETACH DELETE v } IN TRANSACTIONS OF 5000 ROWS")
    runs["videos"] = {"naive": naive_videos, "batched": timed_load("videos", src / "videos.jsonl", args.batch_size)}
    runs["products"] = {"batched": timed_load("products", src / "products.jsonl", args.batch_size)}

    n_clicks, repeated = clicks_file(src / "clicks.jsonl", work / "clicks.jsonl", args.clicks)
    head(src / "clicks.jsonl", work / "clicks-naive.jsonl", args.naive_rows)
    naive_clicks = timed_load("clicks", work / "clicks-naive.jsonl", 1)
    graph.run_auto("MATCH ()-[c:CLICKED]->() CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS")
    graph.run_auto("MATCH (q:Query) CALL (q) { DELETE q } IN TRANSACTIONS OF 10000 ROWS")
    runs["clicks"] = {"naive": naive_clicks, "batched": timed_load("clicks", work / "clicks.jsonl", args.batch_size)}

    for kind in ("videos", "clicks"):
        runs[kind]["ratio"] = round(runs[kind]["batched"]["rows_per_s"] / runs[kind]["naive"]["rows_per_s"], 1)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    counts = graph.query("""
        CALL () { MATCH (v:Video) RETURN count(v) AS videos }
        CALL () { MATCH ()-[c:CLICKED]->() RETURN count(c) AS click_edges, sum(size(c.days)) AS click_days }
        CALL () { MATCH ()-[f:FEATURES]->() RETURN count(f) AS features }
        RETURN videos, click_edges, click_days, features""")[0]
    target = 20.0
    result = {
        "corpus": {"videos": args.videos, "click_rows": n_clicks, "click_rows_shifted_repeats": repeated, "naive_rows": args.naive_rows, "seed": args.seed},
        "runs": runs,
        "graph_after": counts,
        "loader_peak_rss_mb": round(peak_mb, 1),
        "target": {"batched_over_naive": target},
        "met": all(runs[k]["ratio"] >= target for k in ("videos", "clicks")),
    }
    path = write_result("load", result)
    print(json.dumps(result, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
