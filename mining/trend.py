"""Burst detection: is a term used more in the recent window than its earlier baseline predicts?"""
from __future__ import annotations

import numpy as np

RECENT_DAYS = 28


def burst(recent: np.ndarray, baseline: np.ndarray, recent_days: int, baseline_days: int) -> tuple[np.ndarray, np.ndarray]:
    """(smoothed rate ratio, Poisson z-score) of recent counts against the baseline's daily rate.

    +1 smoothing keeps a term first seen this month from getting an infinite ratio from one mention.
    Without a baseline period (all data recent) nothing can be said: ratio 1, z 0.
    """
    recent = np.asarray(recent, dtype=float)
    if baseline_days <= 0:
        return np.ones_like(recent), np.zeros_like(recent)
    expected = np.asarray(baseline, dtype=float) * recent_days / baseline_days
    return (recent + 1) / (expected + 1), (recent - expected) / np.sqrt(expected + 1)


def hot(recent: np.ndarray, ratio: np.ndarray, z: np.ndarray, *, min_recent: int = 3, min_ratio: float = 2.0,
        min_z: float = 2.0) -> np.ndarray:
    """Flag terms with enough recent use that grew clearly and significantly."""
    return (np.asarray(recent) >= min_recent) & (ratio >= min_ratio) & (z >= min_z)
