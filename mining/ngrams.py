"""Frequent token n-grams of a corpus with their statistics, counted level by level with numpy.

An n-gram is kept when it occurs at least `min_count` times, or at all when every token of it is a
`rare_ok` token, and both its (n-1)-token sub-grams are kept (Apriori), so an n-gram key is (id of
its first n-1 tokens, last token) and fits an int64.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from mining.corpus import Corpus
from text.normalize import tag_key
from mining.trend import (HISTORY_WEEKS, MIN_EVIDENCE, RECENT_DAYS, RECENT_WEEKS, burst, hot, overdispersion,
                          peak_burst)

SAMPLES = 3


@dataclass
class NgramTable:
    """Parallel arrays over the kept n-grams (all lengths together, shortest first)."""

    n: np.ndarray              # tokens per n-gram
    count: np.ndarray          # occurrences
    df: np.ndarray             # documents it occurs in
    pmi: np.ndarray            # min over split points of log p(ab) / (p(a) p(b)); 0 for single tokens
    left_entropy: np.ndarray   # branching entropy of the preceding token (boundaries count as distinct)
    right_entropy: np.ndarray  # same for the following token
    super_ratio: np.ndarray    # max share of its occurrences inside one longer kept n-gram (0 at max_n)
    sub_ratio: np.ndarray      # its count / the smaller count of its two (n-1)-token sub-grams
    weekly: np.ndarray         # (m, HISTORY_WEEKS) occurrences per week, newest first, the first ending `now`
    recent: np.ndarray         # occurrences in the last RECENT_DAYS up to `now`
    baseline: np.ndarray       # occurrences in earlier dated documents
    burst_ratio: np.ndarray    # recent rate / baseline rate, smoothed (see trend.burst)
    burst_z: np.ndarray        # z-score of the recent count (Poisson, overdispersion-corrected)
    hot: np.ndarray            # trending now: see trend.hot
    peak_weeks_ago: np.ndarray  # the strongest 4-week burst in the history ends this many weeks before `now`
    peak_z: np.ndarray         # its z-score
    peak_hot: np.ndarray       # whether it would have been flagged hot then
    samples: np.ndarray        # (m, SAMPLES) positions of its first occurrences, -1 padded
    texts: list[str]           # n-gram tokens joined
    keys: list[str]            # their dedupe keys (normalize.tag_key)
    n_docs: int

    def tokens(self, corpus: Corpus, i: int) -> list[int]:
        """Token ids of n-gram i."""
        pos = int(self.samples[i, 0])
        return corpus.tokens[pos:pos + int(self.n[i])].tolist()


def build_ngrams(corpus: Corpus, *, max_n: int = 5, min_count: int = 2, rare_ok: np.ndarray | None = None,
                 now: int | None = None, progress: bool = True) -> NgramTable:
    """Count the frequent 1..max_n-grams of `corpus` and their statistics; `rare_ok` (bool per token
    id) marks tokens whose n-grams are kept from one occurrence on; `now` (a date ordinal, default
    the latest document date) ends the recent window of the trend statistics."""
    dated = corpus.doc_days[corpus.doc_days >= 0]
    now = now if now is not None else int(dated.max()) if len(dated) else 0
    baseline_days = now - RECENT_DAYS + 1 - int(dated.min()) if len(dated) else 0
    history = min(HISTORY_WEEKS, (now - int(dated.min())) // 7 + 1) if len(dated) else 0
    T = corpus.tokens
    V = len(corpus.vocab)
    word = np.zeros(len(T), dtype=bool)
    word[T >= 0] = corpus.is_word[T[T >= 0]]
    n_words = max(int(word.sum()), 1)
    rare_ok = np.zeros(V, dtype=bool) if rare_ok is None else rare_ok
    levels: list[dict] = []
    ids_by_n: list[np.ndarray] = [np.empty(0, np.int32)]  # ids_by_n[n][p]: id of the n-gram at p, or -1
    bar = tqdm(total=max_n, desc="n-grams", disable=not progress)
    for n in range(1, max_n + 1):
        if n == 1:
            pos = np.flatnonzero(word)
            key = T[pos].astype(np.int64)
        else:
            prev = ids_by_n[n - 1]
            pos = np.flatnonzero((prev[:-1] >= 0) & (prev[1:] >= 0))
            key = prev[pos].astype(np.int64) * V + T[pos + n - 1]
        uniq, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
        del key
        all_ok = rare_ok[uniq % V]  # every token rare_ok: the last one here, the others via the kept prefix
        if n > 1:
            all_ok &= levels[n - 2]["all_ok"][uniq // V]
        keep = (cnt >= min_count) | all_ok
        if not keep.any():
            break
        new_id = np.cumsum(keep, dtype=np.int64) - 1
        local = np.where(keep[inv], new_id[inv], -1).astype(np.int32)
        del inv
        ids = np.full(len(T), -1, dtype=np.int32)
        ids[pos] = local
        ids_by_n.append(ids)
        sel = local >= 0
        lvl = _occurrence_stats(corpus, pos[sel], local[sel], int(keep.sum()), n, word, corpus.doc_days, now)
        del pos, local, sel
        lvl["count"] = cnt[keep]
        lvl["all_ok"] = all_ok[keep]
        rep = lvl["samples"][:, 0]
        if n == 1:
            lvl.update(pmi=np.zeros(len(rep)), sub_ratio=np.ones(len(rep)))
        else:
            prefix, suffix = (uniq[keep] // V).astype(np.int64), ids_by_n[n - 1][rep + 1].astype(np.int64)
            below = levels[n - 2]
            lvl["sub_ratio"] = lvl["count"] / np.minimum(below["count"][prefix], below["count"][suffix])
            for part in (prefix, suffix):
                np.maximum.at(below["super_ratio"], part, lvl["count"] / below["count"][part])
            lvl["pmi"] = _min_pmi(lvl["count"], rep, n, ids_by_n, levels, n_words)
        lvl["super_ratio"] = np.zeros(len(rep))
        lvl["n"] = np.full(len(rep), n, dtype=np.int8)
        levels.append(lvl)
        bar.update(1)
    bar.close()
    del ids_by_n
    cat = {k: np.concatenate([lvl[k] for lvl in levels]) for k in levels[0] if k != "all_ok"} if levels else _empty()
    texts = [corpus.text(int(p), int(n)) for p, n in zip(cat["samples"][:, 0], cat["n"])]
    ratio, z = burst(cat["recent"], cat["baseline"], RECENT_DAYS, baseline_days)
    z = z / np.sqrt(overdispersion(z, cat["recent"] + cat["baseline"] >= MIN_EVIDENCE))
    peak_s, peak_z, peak_hot = peak_burst(cat["weekly"], history)
    return NgramTable(texts=texts, keys=[tag_key(t) for t in texts], n_docs=len(corpus.doc_ids), burst_ratio=ratio,
                      burst_z=z, hot=hot(cat["recent"], ratio, z), peak_weeks_ago=peak_s, peak_z=peak_z,
                      peak_hot=peak_hot, **cat)


def _empty() -> dict:
    """Statistics of no n-grams (a corpus without any frequent word)."""
    cat = {k: np.zeros(0) for k in ("count", "df", "pmi", "left_entropy", "right_entropy", "super_ratio",
                                     "sub_ratio", "recent", "baseline")}
    return {**cat, "n": np.zeros(0, np.int8), "samples": np.zeros((0, SAMPLES), np.int64),
            "weekly": np.zeros((0, HISTORY_WEEKS), np.int32)}


def describe(table: NgramTable, corpus: Corpus, i: int) -> dict:
    """Evidence shared by both pipelines: counts, up to SAMPLES contexts, trend."""
    return {"count": int(table.count[i]), "doc_freq": int(table.df[i]),
            "contexts": [corpus.context(int(p), int(table.n[i])) for p in table.samples[i] if p >= 0],
            "recent": int(table.recent[i]), "baseline": int(table.baseline[i]),
            "burst_ratio": round(float(table.burst_ratio[i]), 3), "burst_z": round(float(table.burst_z[i]), 3),
            "hot": bool(table.hot[i]), "weekly": table.weekly[i, ::-1].tolist(),
            "peak": {"weeks_ago": int(table.peak_weeks_ago[i]), "z": round(float(table.peak_z[i]), 3),
                     "hot": bool(table.peak_hot[i])}}


def _occurrence_stats(corpus: Corpus, pos: np.ndarray, lid: np.ndarray, m: int, n: int, word: np.ndarray,
                      days: np.ndarray, now: int) -> dict:
    """Samples, document frequency, branching entropies and dated counts from occurrence positions."""
    T = corpus.tokens
    order = np.argsort(lid, kind="stable")  # positions stay ascending within each n-gram
    counts = np.bincount(lid, minlength=m)
    starts = np.cumsum(counts) - counts
    samples = np.full((m, SAMPLES), -1, dtype=np.int64)
    for j in range(SAMPLES):
        has = counts > j
        samples[has, j] = pos[order[starts[has] + j]]
    del order
    doc = corpus.doc_of(pos)
    df = np.bincount(np.unique(lid.astype(np.int64) * len(corpus.doc_ids) + doc) // len(corpus.doc_ids),
                     minlength=m)
    day = days[doc]
    del doc
    ago = (now - day) // 7  # weeks before `now`
    dated = (day >= 0) & (ago >= 0)  # documents after `now` are not counted
    inside = dated & (ago < HISTORY_WEEKS)
    weekly = np.bincount(lid[inside].astype(np.int64) * HISTORY_WEEKS + ago[inside],
                         minlength=m * HISTORY_WEEKS).reshape(m, HISTORY_WEEKS)
    older = np.bincount(lid[dated & (ago >= HISTORY_WEEKS)], minlength=m)
    return {
        "samples": samples, "df": df,
        "left_entropy": _entropy(lid, pos - 1, m, counts, T, word),
        "right_entropy": _entropy(lid, pos + n, m, counts, T, word),
        "weekly": weekly.astype(np.int32),
        "recent": weekly[:, :RECENT_WEEKS].sum(axis=1),
        "baseline": weekly[:, RECENT_WEEKS:].sum(axis=1) + older,
    }


def _entropy(lid: np.ndarray, npos: np.ndarray, m: int, counts: np.ndarray, T: np.ndarray,
             word: np.ndarray) -> np.ndarray:
    """Entropy of the neighbouring token; a boundary (punctuation, document edge) is a distinct neighbour
    each time, so a tag that often stands alone is not mistaken for a fragment."""
    inside = (npos >= 0) & (npos < len(T))
    inside[inside] = word[npos[inside]]
    V = int(T.max()) + 1
    pair, c = np.unique(lid[inside].astype(np.int64) * V + T[npos[inside]], return_counts=True)
    s = np.bincount(pair // V, weights=c * np.log(c), minlength=m)
    return np.log(counts) - s / counts


def _min_pmi(count: np.ndarray, rep: np.ndarray, n: int, ids_by_n: list[np.ndarray], levels: list[dict],
             n_words: int) -> np.ndarray:
    """Min over the n-1 split points of log(c(ab) N / (c(a) c(b)))."""
    out = np.full(len(count), np.inf)
    for k in range(1, n):
        left = levels[k - 1]["count"][ids_by_n[k][rep]]
        right = levels[n - k - 1]["count"][ids_by_n[n - k][rep + k]]
        out = np.minimum(out, np.log(count * n_words / (left * right)))
    return out
