"""Tagging quality on held-out videos: a ranking over the whole library, and the set of tags served.

Inputs, all keyed by video id:
  gold[v]    the video's labelled tags; only videos with at least one are evaluated
  ranked[v]  tag ids best first (the whole library ranking, or as much of it as a method produces)
  served[v]  the tags a method keeps for the video (optional: ranking metrics need none)

Definitions (k = 1, 5, 20; G = gold, T_k = the first k of ranked, S = served):
  recall@k      |T_k & G| / |G|, averaged over videos
  precision@5   |T_5 & G| / |T_5|, averaged over videos (a video with an empty T_5 counts 0)
  f1@5          harmonic mean of the averaged precision@5 and recall@5
  ndcg@5        binary-relevance DCG of T_5 over the DCG of |G| gold tags ranked first, averaged
  mean_rank     the 1-based rank of every gold pair in the library ranking, averaged over pairs; a gold
                tag the ranking omits gets the mean of the positions left, len(ranked) + (n_library -
                len(ranked) + 1) / 2, i.e. where random order of the rest would put it on average
  served_*      micro precision, recall, F1 over (video, tag) pairs: sum|S & G| / sum|S|, sum|S & G| / sum|G|
  untagged      share of videos whose served set is empty
Slices (frequency_slice, literal_slice) split the gold pairs; within a slice only its pairs count as
gold and only predicted pairs of the slice count as predictions, while ranks stay those of the full
ranking, so a slice's recall says how well that kind of tag is found among everything predicted.
"untagged" within a slice is the share of the slice's videos whose whole served set is empty.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Collection, Iterable, Mapping, Sequence

KS = (1, 5, 20)
Slicer = Callable[[str, str], str]  # (video id, tag id) -> slice name


def evaluate(gold: Mapping[str, Collection[str]], ranked: Mapping[str, Sequence[str]], n_library: int,
             served: Mapping[str, Collection[str]] | None = None,
             slices: Mapping[str, Slicer] | None = None, ks: Sequence[int] = KS) -> dict:
    """{"overall": metrics, "<slicer name>": {slice: metrics}} (metrics: see the module docstring).

    ks: the k of the recall@k keys (e.g. range(1, 21) for a recall curve)."""
    out = {"overall": _metrics(gold, ranked, n_library, served, None, ks)}
    for name, slicer in (slices or {}).items():
        names = sorted({slicer(v, t) for v, tags in gold.items() for t in tags})
        out[name] = {s: _metrics(gold, ranked, n_library, served, _keep(slicer, s), ks) for s in names}
    return out


def _keep(slicer: Slicer, name: str) -> Callable[[str, str], bool]:
    return lambda v, t: slicer(v, t) == name


def _metrics(gold, ranked, n_library, served, keep, ks) -> dict:
    keep = keep or (lambda v, t: True)
    n = 0
    recall = dict.fromkeys({*ks, 5}, 0.0)   # recall@5 also feeds f1@5
    p5 = ndcg = 0.0
    ranks: list[float] = []
    hit_s = n_s = n_g = untagged = 0
    for v, g_all in gold.items():
        g = {t for t in g_all if keep(v, t)}
        if not g:
            continue
        n += 1
        r_all = list(ranked.get(v, ()))
        for k in recall:
            recall[k] += len(g & set(r_all[:k])) / len(g)
        top5 = [t for t in r_all[:5] if keep(v, t)]
        p5 += len(g & set(top5)) / len(top5) if top5 else 0.0
        dcg = sum(1.0 / math.log2(i + 2) for i, t in enumerate(r_all[:5]) if t in g)
        ndcg += dcg / sum(1.0 / math.log2(i + 2) for i in range(min(5, len(g))))
        ranks += _gold_ranks(g, r_all, n_library)
        if served is not None:
            s_all = set(served.get(v, ()))
            s = {t for t in s_all if keep(v, t)}
            hit_s += len(s & g)
            n_s += len(s)
            n_g += len(g)
            untagged += not s_all
    if not n:
        return {"videos": 0}
    m = {"videos": n, "pairs": len(ranks)}
    m.update({f"recall@{k}": recall[k] / n for k in ks})
    m["precision@5"] = p5 / n
    m["f1@5"] = _f1(m["precision@5"], recall[5] / n)
    m["ndcg@5"] = ndcg / n
    m["mean_rank"] = sum(ranks) / len(ranks)
    if served is not None:
        m["served_precision"] = hit_s / n_s if n_s else 0.0
        m["served_recall"] = hit_s / n_g
        m["served_f1"] = _f1(m["served_precision"], m["served_recall"])
        m["served_per_video"] = n_s / n
        m["untagged"] = untagged / n
    return m


def _gold_ranks(g: set[str], ranking: list[str], n_library: int) -> list[float]:
    pos = {}
    for i, t in enumerate(ranking):
        pos.setdefault(t, i + 1)
    missing_rank = len(pos) + (max(n_library, len(pos)) - len(pos) + 1) / 2
    return [float(pos[t]) if t in pos else missing_rank for t in g]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def frequency_buckets(train_label_sets: Iterable[Iterable[str]], cuts: tuple[float, float] = (1 / 3, 2 / 3)
                      ) -> dict[str, str]:
    """tag -> 'head' | 'torso' | 'tail' from the training split's label counts.

    Tags sorted by count (ties by id): the most frequent ones holding the first third of all training
    label pairs are head, the next third torso, the rest tail. A tag absent from training is tail."""
    counts = Counter(t for s in train_label_sets for t in set(s))
    total = sum(counts.values())
    out, seen = {}, 0
    for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        share = seen / total  # the share held by more frequent tags: a tag straddling a cut goes above it
        out[t] = "head" if share < cuts[0] else "torso" if share < cuts[1] else "tail"
        seen += c
    return out


def frequency_slice(buckets: Mapping[str, str]) -> Slicer:
    return lambda v, t: buckets.get(t, "tail")


def literal_slice(texts: Mapping[str, str], surfaces: Mapping[str, Sequence[str]]) -> Slicer:
    """'literal' when one of the tag's surface forms (name, aliases) occurs in the video's text, else 'implied'.

    Texts and surface forms must be normalised the same way (text.normalize.normalize)."""
    def slicer(v: str, t: str) -> str:
        text = texts.get(v, "")
        return "literal" if any(s and s in text for s in surfaces.get(t, ())) else "implied"
    return slicer
