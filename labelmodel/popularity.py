"""The popularity baseline: every text gets the training split's most frequent tags, in that order."""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence


def popularity(train_label_sets: Sequence[Iterable[str]], top_k: int) -> list[tuple[str, float]]:
    """The top_k (tag, share of training texts that carry it), most frequent first, ties by tag id."""
    counts = Counter(t for s in train_label_sets for t in set(s))
    n = max(len(train_label_sets), 1)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
    return [(t, c / n) for t, c in ranked]
