"""`tagkg tag-all --ray` with 1 and 2 workers against single-process `tagkg tag-all`, in one run on one graph.

usage: TAGKG_DEMO_VIDEOS=20000 bash bench/graph.sh; export ... (as printed); python -m bench.tag_ray
Runs against the graph and models of the current settings. A first single-process pass fills the sentence-encoder
cache (not timed as a measure), then each job tags and writes every video (HAS_TAG replaced, idempotent). Wall
times include each Ray worker loading its tagger. Target: 2 workers >= 1.6x the videos/s of 1 worker.
"""
from __future__ import annotations

import argparse
import json
import os
import time
import uuid

from bench.common import write_result
from graph.db import connect
from tagging.distributed import RANGE, tag_all_ray
from tagging.tagger import get_tagger, tag_all
from tagkg.config import Settings

TARGET = 1.6


def timed(job) -> dict:
    load = os.getloadavg()[0]
    t = time.perf_counter()
    out = job()
    wall = time.perf_counter() - t
    return {**out, "wall_s": round(wall, 1), "videos_per_s": round(out["videos"] / wall, 1),
            "load_avg_1m_before": round(load, 1)}


def main(argv=None) -> None:
    import ray

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--range-size", type=int, default=RANGE)
    ap.add_argument("--ray-temp", default=f"/tmp/tagkg-ray-bench-{uuid.uuid4().hex[:6]}")
    args = ap.parse_args(argv)
    settings = Settings.from_env()
    graph = connect(settings)
    t = time.perf_counter()
    version = get_tagger(graph, settings).version   # tag_all below reuses it
    tagger_load_s = time.perf_counter() - t
    warm = timed(lambda: tag_all(graph, settings, progress=True))
    single = timed(lambda: tag_all(graph, settings, progress=True))
    ray.init(num_cpus=os.cpu_count(), object_store_memory=256 * 2 ** 20, include_dashboard=False,
             log_to_driver=False, _temp_dir=args.ray_temp)
    try:
        runs = {w: timed(lambda w=w: tag_all_ray(graph, settings, workers=w, range_size=args.range_size))
                for w in (1, 2)}
    finally:
        ray.shutdown()
    ratio = runs[2]["videos_per_s"] / runs[1]["videos_per_s"]
    result = {"videos": single["videos"], "model": version, "cpus": os.cpu_count(),
              "range_size": args.range_size, "tagger_load_s": round(tagger_load_s, 1),
              "warmup_single_process": warm, "single_process": single, "ray_1_worker": runs[1],
              "ray_2_workers": runs[2], "speedup_2_vs_1": round(ratio, 2),
              "ray_1_vs_single_process": round(runs[1]["videos_per_s"] / single["videos_per_s"], 2),
              "note": "Neo4j, the Ray workers and the driver share the machine's cores",
              "target": {"speedup_2_vs_1": TARGET}, "met": ratio >= TARGET}
    path = write_result("tag_ray", result)
    print(json.dumps({k: result[k] for k in ("speedup_2_vs_1", "ray_1_vs_single_process", "met")}))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
