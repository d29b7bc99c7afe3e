"""Tagging quality against the baselines a user would pick: `tagkg evaluate` on a demo graph with implied labels.

usage: python -m bench.quality [--videos 20000] [--steps "start init demo load train rank"] [--note TEXT]
Builds the graph with the project's own steps (bench/graph.sh: demo-data, load-demo, train, rank-train --compare)
in its own Neo4j home, data folder and ports (TAGKG_NEO4J_HOME, TAGKG_DATA_DIR, TAGKG_BOLT_PORT, TAGKG_HTTP_PORT;
defaults .neo4j-bench-quality{N}, data-bench-quality{N}, 38687/38474), then runs tagging.evaluate.run: the
served tagger, popularity, TF-IDF char 1-3-gram kNN (k=30) and Omikuji on the labels' held-out test split, in
one run, then the ablations on the same test videos. --steps "" reuses a built graph. Writes
bench/results/quality.json (quality-{N}.json at other sizes) and the recall@k plot beside it.
Ablations, each where it is cheapest to run honestly:
  tagging   the served tagger with inputs withheld at tagging time (evaluate.ABLATIONS: no clicks, no products,
            no visual, no label channel, text only); the demo's text videos carry no visual vectors, so there
            "no_visual" is the full run by construction
  ranker    rank-train --compare's variants on the held-out pairs (no adversarial loss, late fusion, no clicks,
            no sparse copies) and the learned baselines on the ranker's features (logistic regression, gradient
            boosting); the adversarial loss is judged on the validation pairs (a default chosen on test videos
            would leak them) and reported on both
Targets (issue 13): tagkg beats the best baseline by >= .05 in R@5 and in served F1; untagged <= 5%;
the evaluation of 20k labelled videos takes <= 5 minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

from bench.common import RESULTS, write_result
from tagkg.config import ROOT, Settings

TARGETS = {"recall@5_over_best_baseline": 0.05, "served_f1_over_best_baseline": 0.05, "untagged_max": 0.05,
           "evaluate_s_max": 300, "evaluate_s_at_labelled_videos": 20_000}


def bench_env(n: int) -> dict:
    """The environment of the benchmark's own server and data folder (caller's TAGKG_* values win)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")}
    env.setdefault("TAGKG_NEO4J_HOME", str(ROOT / f".neo4j-bench-quality{n}"))
    env.setdefault("TAGKG_DATA_DIR", str(ROOT / f"data-bench-quality{n}"))
    env.setdefault("TAGKG_BOLT_PORT", "38687")
    env.setdefault("TAGKG_HTTP_PORT", "38474")
    env.setdefault("TAGKG_RANK_ARGS", "--compare")
    return {**env, "TAGKG_DEMO_VIDEOS": str(n), "TAGKG_DOTENV": "/dev/null"}


def build(env: dict, steps: list[str]) -> dict:
    """Run bench/graph.sh step by step; seconds per step."""
    out = {}
    for step in steps:
        t = time.perf_counter()
        subprocess.run(["bash", str(ROOT / "bench" / "graph.sh"), step], env=env, cwd=ROOT, check=True)
        out[step] = round(time.perf_counter() - t, 1)
    return out


def judge(result: dict, n_labelled: int) -> tuple[dict, dict]:
    """(achieved, met) for the issue's targets."""
    vs, tagkg = result["versus_best_baseline"], result["methods"]["tagkg"]["overall"]
    achieved = {"recall@5_over_best_baseline": round(vs["recall@5"]["delta"], 4),
                "served_f1_over_best_baseline": round(vs["served_f1"]["delta"], 4),
                "untagged": round(tagkg["untagged"], 4), "evaluate_s": result["seconds"]["total"],
                "labelled_videos": n_labelled}
    met = {"recall@5_over_best_baseline": achieved["recall@5_over_best_baseline"] >= TARGETS["recall@5_over_best_baseline"],
           "served_f1_over_best_baseline": achieved["served_f1_over_best_baseline"] >= TARGETS["served_f1_over_best_baseline"],
           "untagged": achieved["untagged"] <= TARGETS["untagged_max"],
           # measured at this size; at other sizes the figure is shown but not judged
           "evaluate_time": (achieved["evaluate_s"] <= TARGETS["evaluate_s_max"]
                             if n_labelled >= TARGETS["evaluate_s_at_labelled_videos"] else None)}
    return achieved, met


def ranker_ablations(report: dict) -> dict:
    """The served ranker's variants and learned baselines (its report.json from rank-train --compare), and whether
    the adversarial loss helps on the validation pairs."""
    keys = ("auc", "auc_validation", "auc_sparse", "heldout_ranking", "train_s")
    variants = {name: {k: report[name].get(k) for k in keys}
                for name in ("main", "no_adversarial", "late_fusion", "no_clicks", "no_sparse") if name in report}
    out = {"variants": variants, "learned_baselines": report.get("learned_baselines")}
    main_, off = variants.get("main"), variants.get("no_adversarial")
    if main_ and off and main_["auc_validation"] is not None and off["auc_validation"] is not None:
        on_ = report["main"]["adversarial"]
        with_, without = (main_, off) if on_ else (off, main_)
        out["adversarial_helps"] = {"validation_auc": with_["auc_validation"] > without["auc_validation"],
                                    "heldout_auc": with_["auc"] > without["auc"]}
    return out


def main(argv=None) -> None:
    from graph.db import connect
    from tagging.evaluate import plot_recall_curves, run

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--videos", type=int, default=20_000)
    ap.add_argument("--steps", default="start init demo load train rank",
                    help="bench/graph.sh steps to run first ('' reuses the graph)")
    ap.add_argument("--note", default="", help="recorded in the JSON (e.g. what the tagger's channels were)")
    args = ap.parse_args(argv)
    env = bench_env(args.videos)
    build_s = build(env, args.steps.split())
    settings = Settings.from_env(env, dotenv=Path("/dev/null"))
    result = run(connect(settings), settings, progress=True, with_ablations=True)
    rank = Path(env["TAGKG_DATA_DIR"]) / "models" / "rank"
    report = json.loads((rank / (rank / "LATEST").read_text().strip() / "report.json").read_text(encoding="utf-8"))
    name = "quality" if args.videos == 20_000 else f"quality-{args.videos}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    png = plot_recall_curves(result["methods"], RESULTS / f"{name}-recall.png",
                             f"held-out recall@k, {result['split']['test']:,} test videos")
    stats = json.loads((Path(env["TAGKG_DATA_DIR"]) / "demo" / "stats.json").read_text(encoding="utf-8"))
    achieved, met = judge(result, result["labelled_videos"])
    corpus = {"videos": args.videos, "seed": 0, **{k: stats[k] for k in (
        "gold_implied_share", "gold_theme_share", "gold_verbatim_share", "avg_core", "avg_related", "avg_themes")}}
    result["ablations"] = {"tagging": result.pop("ablations"), "ranker": ranker_ablations(report),
                           "no_visual_note": "the demo's text videos carry no visual vectors: no_visual equals the "
                                             "full run there by construction, not by measurement of a visual signal"}
    path = write_result(name, {"corpus": corpus, "build_s": build_s, "note": args.note, "targets": TARGETS,
                               "achieved": achieved, "met": met, "plot": str(png.relative_to(ROOT)), **result})
    print(json.dumps({"achieved": achieved, "met": met}, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
