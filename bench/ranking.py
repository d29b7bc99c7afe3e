"""Ranking benchmark: held-out AUC of the cross-modal ranker and its ablations, trained in one run on the same
candidates: attention vs late fusion, triplet+adversarial vs triplet only, with vs without click feedback, with vs
without sparse-payload copies in training (scored on the held-out videos sent as title-plus-a-few-fields payloads).

usage: bash bench/graph.sh; export ... (as printed); python -m bench.ranking [--epochs 2]
Runs `tagkg rank-train --compare` (tagging.train.train_ranker) against the graph of the current settings. The
baseline is recall without ranking (the recall score's AUC on the same pairs). The version it trains is kept on
disk with its report, and the graph's latest ranker is restored afterwards so the served model doesn't change,
unless --serve makes the main variant the served ranker (saves a separate `tagkg rank-train` on the 100k graph).
"""
from __future__ import annotations

import argparse
import json
import resource

from bench.common import write_result
from graph.db import connect
from tagging.tagger import latest_rank_version, rank_dir
from tagging.train import train_ranker
from tagkg.config import Settings

VARIANTS = ("main", "late_fusion", "no_adversarial", "no_clicks", "no_sparse")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=2, help="epochs of every variant")
    ap.add_argument("--serve", action="store_true", help="keep the main variant as the served ranker")
    args = ap.parse_args(argv)
    settings = Settings.from_env()
    graph = connect(settings)
    served = latest_rank_version(settings)
    try:
        r = train_ranker(graph, settings, compare=True, epochs=args.epochs, note="bench.ranking")
    finally:
        if served is not None and not args.serve:
            (rank_dir(settings) / "LATEST").write_text(served + "\n")
    keys = ("fusion", "adversarial", "clicks", "sparse_fraction", "auc", "auc_core", "auc_sparse", "train_s")
    auc = {name: {k: r[name][k] for k in keys} for name in VARIANTS}
    main_auc = auc["main"]["auc"]
    out = {"settings": {"data_dir": str(settings.data_dir), "epochs": args.epochs, "served": args.serve},
           "version": r["version"], "split": r["split"], "pairs": r["pairs"], "tag_clicks": r["tag_clicks"],
           "prepare_s": r["prepare_s"], "auc_recall_only": r["auc_recall_only"], "variants": auc,
           # gains of the full model over each ablation, in AUC points (the source system: ~3% from feedback)
           "gain_vs": {name: round(main_auc - auc[name]["auc"], 4) for name in VARIANTS[1:]},
           "gain_vs_recall_only": round(main_auc - r["auc_recall_only"], 4),
           "sparse_gain_vs_no_sparse": round(auc["main"]["auc_sparse"] - auc["no_sparse"]["auc_sparse"], 4),
           "heldout_quality": r["heldout_quality"], "heldout_sparse_quality": r["heldout_sparse_quality"],
           "thresholds": r["thresholds"],
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    path = write_result("ranking", out)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    print(path)


if __name__ == "__main__":
    main()
