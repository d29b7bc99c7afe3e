"""Which ranked tags a video is served: a calibrated floor, and a rescue so a likely tag is not left out.

Policy (per video, tags best first with scores):
  keep every tag scoring >= floor, at most max_tags;
  if that keeps nothing and the top tag scores >= rescue (rescue <= floor), keep the top tag alone.
The rescue is what keeps videos whose tags are implied, not written, from being left empty: their best
score is often below a floor tuned on literal mentions, yet usually right. fit_policy picks (floor,
rescue) on validation videos only, maximising the served set's micro F1 (labelmodel.metrics), optionally
subject to a cap on the share of videos left untagged.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

import numpy as np

Scored = Sequence[tuple[str, float]]  # (tag id, score), best first


@dataclass(frozen=True)
class ServePolicy:
    floor: float
    rescue: float
    max_tags: int

    def serve(self, scored: Scored) -> list[str]:
        kept = [t for t, s in scored[:self.max_tags] if s >= self.floor]
        if not kept and scored and scored[0][1] >= self.rescue:
            kept = [scored[0][0]]
        return kept


def fit_policy(scored: Mapping[str, Scored], gold: Mapping[str, Collection[str]], max_tags: int = 10,
               max_untagged: float | None = None, grid: int = 40) -> tuple[ServePolicy, dict]:
    """(policy, its validation figures) over the videos of `gold`, whose `scored` lists no training step saw
    (the validation split). Candidate thresholds are `grid` quantiles of the scores seen, plus inf (never).

    Among the (floor, rescue) pairs with untagged share <= max_untagged the best F1 wins; when none meets
    the cap, the pair leaving fewest videos untagged (then best F1)."""
    ids = [v for v in gold if gold[v]]
    if not ids:
        raise ValueError("fit_policy needs validation videos with gold tags")
    s = np.full((len(ids), max_tags), -np.inf)   # (n_videos, max_tags) scores, best first
    hit = np.zeros((len(ids), max_tags), bool)   # (n_videos, max_tags) the tag there is gold
    for i, v in enumerate(ids):
        for j, (t, score) in enumerate(list(scored.get(v, ()))[:max_tags]):
            s[i, j], hit[i, j] = score, t in gold[v]
    n_gold = sum(len(gold[v]) for v in ids)
    finite = s[np.isfinite(s)]
    cands = np.unique(np.quantile(finite, np.linspace(0, 1, grid))) if finite.size else np.array([])
    cands = np.append(cands, np.inf)             # inf = never: serve nothing / no rescue
    best = None
    for floor in cands:
        kept = s >= floor
        n_kept_row = kept.sum(axis=1)
        base_hits, base_kept = (hit & kept).sum(), kept.sum()
        empty = n_kept_row == 0
        for rescue in cands[cands <= floor]:
            rescued = empty & (s[:, 0] >= rescue)
            n_served = base_kept + rescued.sum()
            hits = base_hits + (rescued & hit[:, 0]).sum()
            p = hits / n_served if n_served else 0.0
            r = hits / n_gold
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            untagged = (empty & ~rescued).mean()
            ok = max_untagged is None or untagged <= max_untagged
            key = (ok, f1 if ok else -untagged, f1)
            if best is None or key > best[0]:
                best = (key, float(floor), float(rescue), {"precision": float(p), "recall": float(r),
                                                          "f1": float(f1), "untagged": float(untagged)})
    _, floor, rescue, figures = best
    return ServePolicy(floor, rescue, max_tags), figures
