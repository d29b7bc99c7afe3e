"""Ranking metrics as in the source system: rank of each held-out gold tag among all approved tags."""
from __future__ import annotations

import numpy as np

KS = (1, 5, 20)
CHUNK = 256  # videos scored per matrix product


def rank_metrics(video_vecs: np.ndarray, tag_vecs: np.ndarray, pairs: np.ndarray, candidates: np.ndarray) -> dict:
    """Recall@1/5/20 and mean rank of gold pairs (video row, tag row, ...) among `candidates` tag rows.

    video_vecs (n_videos, d), tag_vecs (n_tags, d): any vectors scored by dot product. Ranks are
    *filtered*: a video's other gold tags are not counted above its gold tag (standard for
    multi-label retrieval); the raw rank is reported too.
    """
    cand_vecs = tag_vecs[candidates]                               # (n_cand, d)
    return score_metrics(lambda vids: video_vecs[vids] @ cand_vecs.T, len(tag_vecs), pairs, candidates)


def score_metrics(scores, n_tags: int, pairs: np.ndarray, candidates: np.ndarray) -> dict:
    """rank_metrics for any scorer: scores(video rows) -> (len(rows), n_cand) scores of the candidate tags,
    in `candidates` order (a label model's ranked lists as well as vector cosines)."""
    cand = np.zeros(n_tags, bool)
    cand[candidates] = True
    pairs = pairs[cand[pairs[:, 1]]]
    col = np.full(n_tags, -1)
    col[candidates] = np.arange(len(candidates))
    videos, inverse = np.unique(pairs[:, 0], return_inverse=True)
    ranks, raw = np.zeros(len(pairs), np.int64), np.zeros(len(pairs), np.int64)
    for lo in range(0, len(videos), CHUNK):
        vids = videos[lo:lo + CHUNK]
        block = scores(vids)                                       # (chunk, n_cand)
        for p in np.flatnonzero((inverse >= lo) & (inverse < lo + len(vids))):
            row = block[inverse[p] - lo]
            gold_score = row[col[pairs[p, 1]]]
            gold_cols = col[pairs[pairs[:, 0] == pairs[p, 0], 1]]
            above = row > gold_score
            raw[p] = 1 + above.sum()
            ranks[p] = raw[p] - above[gold_cols].sum()
    out = {f"R@{k}": round(float((ranks <= k).mean()), 4) for k in KS}
    out.update({"MR": round(float(ranks.mean()), 2), "raw_R@1": round(float((raw <= 1).mean()), 4),
                "raw_MR": round(float(raw.mean()), 2), "pairs": int(len(pairs)), "videos": int(len(videos)),
                "candidates": int(len(candidates))})
    return out
