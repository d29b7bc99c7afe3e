"""Core/related cut-offs calibrated on validation videos, and the split of a ranked list by them."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from labelmodel.serve import fit_policy

GRID = np.round(np.linspace(0.02, 0.98, 49), 2)


@dataclass
class Thresholds:
    """A candidate is kept when relevance >= keep (at most max_kept a video); a video that keeps nothing keeps its
    top candidate when that scores >= rescue (labelmodel/serve.py's policy: a floor tuned on literal mentions
    leaves videos whose tags are implied empty, though their best candidate is usually right); a kept tag is core
    when also core_prob >= core (at most max_core)."""

    keep: float = 0.5
    core: float = 0.5
    max_core: int = 3
    f1_any: float | None = None
    f1_core: float | None = None
    rescue: float | None = None     # None: no rescue
    max_kept: int = 10
    untagged: float | None = None   # share of validation videos the policy leaves untagged

    def to_dict(self) -> dict:
        return asdict(self)


def _f1(tp: int, n_pred: int, n_gold: int) -> float:
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0


def calibrate(video: np.ndarray, tag: np.ndarray, rel: np.ndarray, core_prob: np.ndarray, y: np.ndarray,
              core: np.ndarray, gold_per_video: dict[int, int], n_gold_core: int, max_core: int = 3,
              max_kept: int = 10) -> Thresholds:
    """On validation pairs: the keep floor and the rescue by labelmodel.serve.fit_policy (best micro F1 of the
    served pairs; gold never recalled still counts as missed), then the core cut-off by F1 of core vs gold core.
    gold_per_video: video -> its number of gold tags, recalled or not (videos without any candidate too)."""
    scored, gold = {}, {}
    for v in sorted(set(np.unique(video).tolist()) | set(gold_per_video)):
        rows = np.flatnonzero(video == v)
        rows = rows[np.argsort(-rel[rows], kind="stable")]
        scored[int(v)] = [(int(tag[j]), float(rel[j])) for j in rows]
        hits = {int(tag[j]) for j in rows if y[j] > 0}
        # unrecalled gold as placeholders: they count as missed, never as served
        gold[int(v)] = hits | {-1 - k for k in range(gold_per_video.get(int(v), 0) - len(hits))}
    policy, figures = fit_policy(scored, gold, max_tags=max_kept)
    kept = served(video, rel, policy.floor, policy.rescue, max_kept)

    def core_f1(t: float) -> float:
        pred = assign_core(video, rel, core_prob, kept, t, max_core)
        return _f1(int(core[pred].sum()), int(pred.sum()), n_gold_core)

    best_core = max(GRID, key=core_f1)
    rescue = None if not np.isfinite(policy.rescue) else round(policy.rescue, 6)
    keep = float(policy.floor) if np.isfinite(policy.floor) else float("1e9")
    return Thresholds(round(keep, 6), float(best_core), max_core, round(figures["f1"], 4), round(core_f1(best_core), 4),
                      rescue, max_kept, round(figures["untagged"], 4))


def served(video: np.ndarray, rel: np.ndarray, keep: float, rescue: float | None, max_kept: int) -> np.ndarray:
    """(n,) bool: the pairs served, per video the best max_kept with rel >= keep, else its top pair if
    rel >= rescue."""
    out = np.zeros(len(rel), bool)
    order = np.lexsort((-rel, video))                               # by video, best first
    v = video[order]
    first = np.r_[0, np.flatnonzero(v[1:] != v[:-1]) + 1] if len(v) else np.zeros(0, int)
    pos = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    out[order[(rel[order] >= keep) & (pos < max_kept)]] = True
    if rescue is not None and len(first):
        tops = order[first]
        empty = np.array([not out[order[a:b]].any() for a, b in zip(first, np.r_[first[1:], len(order)])])
        out[tops[empty & (rel[tops] >= rescue)]] = True
    return out


def assign_core(video: np.ndarray, rel: np.ndarray, core_prob: np.ndarray, kept: np.ndarray, t: float,
                max_core: int) -> np.ndarray:
    """(n,) bool: kept pairs with core_prob >= t, at most max_core per video (highest core_prob first)."""
    pred = kept & (core_prob >= t)
    idx = np.flatnonzero(pred)
    if len(idx) == 0:
        return pred
    order = idx[np.lexsort((-core_prob[idx], video[idx]))]     # by video, best core_prob first
    v = video[order]
    first = np.r_[0, np.flatnonzero(v[1:] != v[:-1]) + 1]
    pos = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    pred[order[pos >= max_core]] = False
    return pred
