"""`tagkg evaluate`: the served tagger beside the baselines a user would pick instead, on held-out labels.

Held-out videos are the test side of labelmodel/split.py among the labelled videos (graph/labels.py):
no training or threshold step of any model reads their labels, and here the tagger does not lend them
to similar videos either. On the same test videos, in the same run:
  tagkg       the served tagger: its ranked candidates (Tagger.tag's top_k on the stored rows) and its served
              core + related tags
  popularity  the training side's most frequent tags, the same list for every video
  tfidf_knn   kNN (k=30, cosine) over TF-IDF character 1-3-grams of the training side's texts
  omikuji     Omikuji (Parabel-style label trees) over the same features
The baselines are fitted on the training side only (labelmodel.LabelModel, its channels' ranked lists);
their served sets come from labelmodel.serve's floor and rescue fitted on the validation side. When the served
ranker's label channel was fitted on exactly these training texts and labels (the same training fingerprint, as
after rank-train on an unchanged graph) it is that fit: Omikuji is then not fitted twice on the same data.
Controls: the same two models fitted on training labels shuffled across videos, which no real signal should
lose to (Omikuji with one tree there, CONTROL: a control needs the same data flow, not the best fit, and one
tree takes half the time of two). With ablations, the served tagger is run again on the same test videos with
inputs withheld at tagging time (the served model, not retrained; ABLATIONS).
Metrics (labelmodel/metrics.py) overall, by tag frequency (head/torso/tail from the training side's
counts) and literal vs implied (a surface form of the tag in the video's normalised text or not), plus
recall at every k from 1 to 20 (recall_curve, for the plot).
"""
from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Collection, Mapping, Sequence

from tqdm import tqdm

from graph.labels import read_labels
from labelmodel.metrics import evaluate, frequency_buckets, frequency_slice, literal_slice
from labelmodel.model import LabelModel, LabelModelConfig, training_fingerprint
from labelmodel.popularity import popularity
from labelmodel.serve import fit_policy
from labelmodel.split import side_of, split_ids
from labelmodel.xmc import TreeParams
from tagging import store
from tagging.tagger import Tagger
from text.normalize import normalize
from video.record import FIELDS, from_row

TOP_K = 100          # ranked tags per video and method (MeanRank places the rest after them)
CURVE_KS = range(1, 21)
BASELINES = ("popularity", "tfidf_knn", "omikuji")
CHANNEL = {"tfidf_knn": "knn_text", "omikuji": "omikuji"}   # baseline -> labelmodel.LabelModel channel
READ_PAGE = 2000
CONTROL = LabelModelConfig(trees=TreeParams(n_trees=1))
# inputs withheld from the served tagger at tagging time: (what the payload keeps, recalled as a new video)
ABLATIONS = {
    "no_clicks": (lambda row: {**row, "queries": []}, False),       # the stored GNN vector stays
    "no_products": (lambda row: {**row, "products": []}, False),
    "no_visual": (lambda row: {k: v for k, v in row.items() if k not in ("visual", "keyframes")}, False),
    # the text fields only, as an ad-hoc payload: no GNN vector (it saw the video's clicks and products)
    "text_only": (lambda row: {k: row.get(k) for k in ("id", *FIELDS)}, True),
    "no_label_channel": (None, False),                              # the label channel switched off
}


# --- pure part --------------------------------------------------------------------------------------
def compare(gold: Mapping[str, Collection[str]], ranked: Mapping[str, Mapping[str, Sequence[str]]],
            served: Mapping[str, Mapping[str, Collection[str]]], n_library: int, buckets: Mapping[str, str],
            texts: Mapping[str, str], surfaces: Mapping[str, Sequence[str]]) -> dict:
    """{method: metrics overall and by slice, plus recall_curve} for methods ranked[m] / served[m] on `gold`.

    buckets: tag -> head|torso|tail (training side); texts and surfaces normalised alike (literal slice)."""
    slices = {"frequency": frequency_slice(buckets), "literal": literal_slice(texts, surfaces)}
    out = {}
    for m in ranked:
        out[m] = evaluate(gold, ranked[m], n_library, served.get(m), slices)
        curve = evaluate(gold, ranked[m], n_library, ks=CURVE_KS)["overall"]
        out[m]["recall_curve"] = [round(curve[f"recall@{k}"], 4) for k in CURVE_KS]
    return out


def versus_best_baseline(methods: Mapping[str, dict], keys=("recall@5", "served_f1")) -> dict:
    """For each key: the best baseline's value and name, tagkg's, and tagkg minus the best."""
    out = {}
    for key in keys:
        best = max(BASELINES, key=lambda m: methods[m]["overall"].get(key, 0.0))
        ours, theirs = methods["tagkg"]["overall"][key], methods[best]["overall"][key]
        out[key] = {"tagkg": ours, "best_baseline": best, "baseline": theirs, "delta": ours - theirs}
    return out


def shuffled(label_sets: Sequence[set], seed: int = 0) -> list[set]:
    """The label sets dealt to other videos at random: the same tags and counts, no link to the text."""
    out = list(label_sets)
    random.Random(seed).shuffle(out)
    return out


def plot_recall_curves(methods: Mapping[str, dict], path: Path, title: str = "held-out recall@k") -> Path:
    """A PNG of recall@k (k = 1..20) per method."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, m in methods.items():
        ax.plot(list(CURVE_KS), m["recall_curve"], marker="o", markersize=3, label=name,
                linestyle="--" if name.startswith("shuffled") else "-")
    ax.set(xlabel="k", ylabel="recall@k", title=title, ylim=(0, 1), xticks=[1, 5, 10, 15, 20])
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# --- the run over Neo4j -------------------------------------------------------------------------------
def _texts(graph, ids: list[str], progress: bool) -> dict[str, str]:
    """Normalised text (video.record's, as the label model reads it) of stored videos."""
    out = {}
    for lo in tqdm(range(0, len(ids), READ_PAGE), desc="read videos", unit="page", disable=not progress):
        out.update((r["id"], from_row(r).text()) for r in store.read_videos(graph, ids[lo:lo + READ_PAGE]))
    return out


def _baselines(train_texts, train_sets, val_texts, test_texts, top_k, fitted: LabelModel | None = None,
               cfg: LabelModelConfig | None = None) -> tuple[dict, dict, bool]:
    """({method: per validation text [(tag, score)]}, the same per test text, whether `fitted` was used): the
    baselines fitted on the training side, or `fitted` when it was fitted on exactly these texts and labels."""
    reused = fitted is not None and fitted.fingerprint == training_fingerprint(train_texts, train_sets)
    model = fitted if reused else LabelModel.fit(train_texts, train_sets, cfg=cfg)
    channels = tuple(CHANNEL.values())
    val = model.predict(val_texts, top_k=top_k, channels=channels)
    test = model.predict(test_texts, top_k=top_k, channels=channels)
    pop = popularity(train_sets, top_k)
    v = {"popularity": [pop] * len(val_texts), **{m: val[c] for m, c in CHANNEL.items()}}
    t = {"popularity": [pop] * len(test_texts), **{m: test[c] for m, c in CHANNEL.items()}}
    return v, t, reused


def _tag_held_out(graph, tagger: Tagger, ids: list[str], top_k: int, batch: int, progress: bool, desc: str,
                  keep=None, as_new: bool = False) -> tuple[dict, dict]:
    """({video: ranked tag ids}, {video: served tag ids}) of the tagger on stored videos, their rows passed
    through `keep` first (None: as stored)."""
    ranked, served = {}, {}
    bar = tqdm(total=len(ids), desc=desc, unit="video", disable=not progress)
    for lo in range(0, len(ids), batch):
        rows = store.read_videos(graph, ids[lo:lo + batch])
        rows = [keep(r) for r in rows] if keep else rows
        for r in tagger.rank(tagger.recall(rows, as_new=as_new), top_k):
            ranked[r["video"]] = [x["tag"] for x in r["ranked"]]
            served[r["video"]] = [x["tag"] for x in r["core"] + r["related"]]
        bar.update(len(rows))
    bar.close()
    return ranked, served


def ablations(graph, tagger: Tagger, ids: list[str], gold: Mapping[str, Collection[str]], n_library: int,
              top_k: int, batch: int, progress: bool) -> dict:
    """{ablation: overall metrics of the served tagger with that input withheld (ABLATIONS)} on `ids`."""
    out = {}
    for name, (keep, as_new) in ABLATIONS.items():
        labels = tagger.labels
        if keep is None:
            tagger.labels = None
        try:
            ranked, served = _tag_held_out(graph, tagger, ids, top_k, batch, progress, f"ablation {name}", keep, as_new)
        finally:
            tagger.labels = labels
        out[name] = evaluate(gold, ranked, n_library, served)["overall"]
    return out


def run(graph, settings, prefix: str = "", top_k: int = TOP_K, tagger: Tagger | None = None,
        batch: int = 256, progress: bool = True, with_ablations: bool = False) -> dict:
    """Evaluate the served tagger and the baselines on the held-out labels; returns the result document."""
    t0 = time.perf_counter()
    seconds = {}
    tagger = tagger or Tagger.from_graph(graph, settings, prefix)
    # held-out labels stay hidden: no test video lends its tags to a similar video
    tagger.video_tags = {v: tags for v, tags in tagger.video_tags.items() if side_of(v) != "test"}
    lib = tagger.lib
    gold = {v: {t for t in core + related if t in lib.row} for v, (core, related) in read_labels(graph, prefix).items()}
    gold = {v: g for v, g in gold.items() if g}
    sides = split_ids(sorted(gold))
    if not sides["test"] or not sides["train"]:
        raise ValueError(f"{len(gold)} labelled videos give no test or no training side: load more labels")
    texts = _texts(graph, sides["train"] + sides["validation"] + sides["test"], progress)
    seconds["prepare"] = time.perf_counter() - t0

    t = time.perf_counter()
    train = [v for v in sides["train"] if v in texts]
    val, test = [v for v in sides["validation"] if v in texts], [v for v in sides["test"] if v in texts]
    train_sets = [gold[v] for v in train]
    args = ([texts[v] for v in train], train_sets, [texts[v] for v in val], [texts[v] for v in test], top_k)
    val_scored, test_scored, reused = _baselines(*args, fitted=tagger.labels)
    seconds["baselines_fit_predict"] = time.perf_counter() - t
    t = time.perf_counter()
    _, control, _ = _baselines(args[0], shuffled(train_sets), args[2], args[3], top_k, cfg=CONTROL)
    seconds["controls_fit_predict"] = time.perf_counter() - t

    t = time.perf_counter()
    r, s = _tag_held_out(graph, tagger, test, top_k, batch, progress, "tagkg on held-out videos")
    ranked, served = {"tagkg": r}, {"tagkg": s}
    seconds["tagkg_tag"] = time.perf_counter() - t

    t = time.perf_counter()
    policies = {}
    val_gold = {v: gold[v] for v in val}
    for m in BASELINES:
        policy, figures = fit_policy(dict(zip(val, val_scored[m])), val_gold)
        policies[m] = {"floor": policy.floor, "rescue": policy.rescue, "max_tags": policy.max_tags,
                       "validation": figures}
        ranked[m] = {v: [tag for tag, _ in s] for v, s in zip(test, test_scored[m])}
        served[m] = {v: policy.serve(s) for v, s in zip(test, test_scored[m])}
    for m in CHANNEL:
        ranked["shuffled_" + m] = {v: [tag for tag, _ in s] for v, s in zip(test, control[m])}
    surfaces = {t: [normalize(s) for s in (lib.names[i], *lib.aliases[i])] for t, i in lib.row.items()}
    test_gold = {v: gold[v] for v in test}
    methods = compare(test_gold, ranked, served, len(lib), frequency_buckets(train_sets),
                      {v: texts[v] for v in test}, surfaces)
    seconds["metrics"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - t0
    out = {"labelled_videos": len(gold), "split": {"train": len(train), "validation": len(val), "test": len(test)},
           "library_tags": len(lib), "top_k": top_k,
           "tagger": {"ranker": tagger.version, "label_channel": tagger.labels is not None},
           "baselines_fit": "the served label channel's fit (same training fingerprint)" if reused else "here",
           "controls_trees": CONTROL.trees.n_trees,
           "serve_policies": policies, "methods": methods, "versus_best_baseline": versus_best_baseline(methods)}
    if with_ablations:   # after the timed evaluation: the ablations are extra tagging runs, not part of it
        t = time.perf_counter()
        out["ablations"] = ablations(graph, tagger, test, test_gold, len(lib), top_k, batch, progress)
        seconds["ablations"] = time.perf_counter() - t
    return {**out, "seconds": {k: round(s, 1) for k, s in seconds.items()}}
