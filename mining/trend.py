"""Burst detection: is a term used more in a 4-week window than its earlier baseline predicts?"""
from __future__ import annotations

import numpy as np

RECENT_WEEKS = 4
RECENT_DAYS = 7 * RECENT_WEEKS
HISTORY_WEEKS = 26    # weekly counts kept per term, newest first; older use only feeds the baseline
MIN_BASELINE_WEEKS = 4  # a window needs this much history before it to be called a burst
MIN_EVIDENCE = 10  # uses a term needs for its z-score to inform the overdispersion estimate
MIN_TERMS = 50     # terms needed to estimate the overdispersion at all


def burst(recent: np.ndarray, baseline: np.ndarray, recent_days: int,
          baseline_days: int) -> tuple[np.ndarray, np.ndarray]:
    """(smoothed rate ratio, Poisson z-score) of recent counts against the baseline's daily rate.

    +1 smoothing keeps a term first seen this month from getting an infinite ratio from one mention.
    Without a baseline period (all data recent) nothing can be said: ratio 1, z 0.
    """
    recent = np.asarray(recent, dtype=float)
    if baseline_days <= 0:
        return np.ones_like(recent), np.zeros_like(recent)
    expected = np.asarray(baseline, dtype=float) * recent_days / baseline_days
    return (recent + 1) / (expected + 1), (recent - expected) / np.sqrt(expected + 1)


def overdispersion(z: np.ndarray, weight: np.ndarray) -> float:
    """How much wider than Poisson the z-scores spread, >= 1: median z^2 over its chi-square(1) median,
    over the rows with `weight` (enough data), if there are MIN_TERMS of them to be typical. Mentions
    cluster (one video brings a burst of search queries on the same days), so raw Poisson z-scores
    would call every rare term that happens to be recent a burst."""
    z = np.asarray(z)[np.asarray(weight, dtype=bool)]
    return max(1.0, float(np.median(z ** 2)) / 0.455) if len(z) >= MIN_TERMS else 1.0


def hot(recent: np.ndarray, ratio: np.ndarray, z: np.ndarray, *, min_recent: int = 10, min_ratio: float = 3.0,
        min_z: float = 3.0) -> np.ndarray:
    """Flag terms with enough recent use that grew clearly (3x) and significantly (z >= 3: thousands of
    terms are tested at once, and a rare term's few mentions arrive in clumps)."""
    return (np.asarray(recent) >= min_recent) & (ratio >= min_ratio) & (z >= min_z)


def peak_burst(weekly: np.ndarray, history_weeks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weeks ago the strongest window ends, its z-score, whether it was hot) for each row of `weekly`
    ((m, W) counts, newest week first), sliding the RECENT_WEEKS window back through `history_weeks`
    weeks of data; the baseline of a window is the weeks before it. z-scores are overdispersion-corrected
    per window."""
    weekly = np.asarray(weekly, dtype=float)
    m, width = weekly.shape
    older = np.cumsum(weekly[:, ::-1], axis=1)[:, ::-1]  # older[:, s] = weeks s.. summed
    best_s, best_z, best_hot = np.zeros(m, dtype=int), np.full(m, -np.inf), np.zeros(m, dtype=bool)
    for s in range(0, min(width, history_weeks) - RECENT_WEEKS - MIN_BASELINE_WEEKS + 1):
        window = older[:, s] - older[:, s + RECENT_WEEKS]
        base = older[:, s + RECENT_WEEKS]
        ratio, z = burst(window, base, RECENT_DAYS, 7 * (min(width, history_weeks) - s - RECENT_WEEKS))
        z = z / np.sqrt(overdispersion(z, window + base >= MIN_EVIDENCE))
        better = z > best_z
        best_s[better], best_z[better] = s, z[better]
        best_hot[better] = hot(window, ratio, z)[better]
    return best_s, np.where(np.isfinite(best_z), best_z, 0.0), best_hot
