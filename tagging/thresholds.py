"""Core/related cut-offs calibrated on validation videos, and the split of a ranked list by them."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

GRID = np.round(np.linspace(0.02, 0.98, 49), 2)


@dataclass
class Thresholds:
    """A candidate is kept when relevance >= keep; it is core when also core_prob >= core (at most max_core)."""

    keep: float = 0.5
    core: float = 0.5
    max_core: int = 3
    f1_any: float | None = None
    f1_core: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _f1(tp: int, n_pred: int, n_gold: int) -> float:
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0


def calibrate(video: np.ndarray, rel: np.ndarray, core_prob: np.ndarray, y: np.ndarray, core: np.ndarray,
              n_gold: int, n_gold_core: int, max_core: int = 3) -> Thresholds:
    """Maximise F1 of kept vs any gold, then of core vs gold core; gold never recalled still counts as missed."""
    best_keep = max(GRID, key=lambda t: _f1(int(y[rel >= t].sum()), int((rel >= t).sum()), n_gold))
    kept = rel >= best_keep

    def core_f1(t: float) -> float:
        pred = assign_core(video, rel, core_prob, kept, t, max_core)
        return _f1(int(core[pred].sum()), int(pred.sum()), n_gold_core)

    best_core = max(GRID, key=core_f1)
    return Thresholds(float(best_keep), float(best_core), max_core,
                      round(_f1(int(y[kept].sum()), int(kept.sum()), n_gold), 4), round(core_f1(best_core), 4))


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
