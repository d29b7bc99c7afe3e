"""The one held-out split of labelled videos that every stage (training, thresholds, evaluation) uses.

A video's side is a pure function of its id: sha1("tagkg-labels:" + id) read as a number u in [0, 1);
u < 0.10 is test, u < 0.20 validation, the rest (80%) train. So the split
- does not depend on the order videos are read in, the corpus size or which other videos carry labels:
  a test video stays a test video as labels are added, so an old evaluation stays comparable;
- is the same for every model (the label channel, the GNN, the ranker), so a test video's labels reach
  no training or threshold step of any of them. Validation is for thresholds and early stopping only.
The shares are expected values: a corpus of n videos gets about 0.1 n test videos.
"""
from __future__ import annotations

import hashlib
from typing import Iterable

SALT = "tagkg-labels"
TEST_SHARE = 0.10
VALIDATION_SHARE = 0.10
SIDES = ("train", "validation", "test")


def unit_hash(video_id: str) -> float:
    """sha1(SALT:id) as a number in [0, 1): uniform over ids, stable across runs and machines."""
    digest = hashlib.sha1(f"{SALT}:{video_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0 ** 64


def side_of(video_id: str) -> str:
    """'test', 'validation' or 'train' for one video id."""
    u = unit_hash(video_id)
    if u < TEST_SHARE:
        return "test"
    return "validation" if u < TEST_SHARE + VALIDATION_SHARE else "train"


def fold_of(video_id: str, folds: int) -> int:
    """0..folds-1 for cross-fitting within a side, from a hash independent of the side's."""
    digest = hashlib.sha1(f"{SALT}-fold:{video_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % folds


def split_ids(video_ids: Iterable[str]) -> dict[str, list[str]]:
    """{'train': [...], 'validation': [...], 'test': [...]}, each in the input order."""
    out: dict[str, list[str]] = {side: [] for side in SIDES}
    for v in video_ids:
        out[side_of(v)].append(v)
    return out
