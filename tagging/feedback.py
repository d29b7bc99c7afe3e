"""The feedback loop: retrain the ranker with the clicks loaded since, compare versions on the same held-out set."""
from __future__ import annotations

import json

import torch

from tagging.tagger import latest_rank_version, rank_dir
from tagging.train import train_ranker
from tagkg.files import write_text


def retrain(graph, settings, base_version: str | None = None, progress: bool = True, **overrides) -> dict:
    """A new ranker version trained with the current tag clicks; report = both versions' AUC on the same pairs."""
    base = base_version or latest_rank_version(settings)
    if base is None:
        raise FileNotFoundError("no ranking model yet: run `tagkg rank-train` first")
    ckpt = torch.load(rank_dir(settings) / base / "model.pt", map_location="cpu")
    cfg = {k: v for k, v in ckpt["config"].items() if k != "version_note"}
    cfg.update({"clicks": True, **overrides})
    new = train_ranker(graph, settings, prefix=ckpt["prefix"], progress=progress,
                       note=f"retrain of {base}", baselines=[base], **cfg)
    report = {"base": base, "new": new["version"], "heldout_videos": new["split"]["heldout"],
              "tag_clicks": new["tag_clicks"], "training_pairs": new["training_pairs"],
              "base_training_pairs": ckpt["metrics"].get("training_pairs"),
              "auc": {base: new["baselines"][base], new["version"]: {k: new["main"][k] for k in ("auc", "auc_core")}}}
    report["auc_gain"] = (round(report["auc"][new["version"]]["auc"] - report["auc"][base]["auc"], 4)
                          if report["auc"][base]["auc"] is not None and new["main"]["auc"] is not None else None)
    write_text(rank_dir(settings) / new["version"] / "feedback-report.json", json.dumps(report, indent=1))
    return report
