"""Ranker training set (gold of train videos, hard recalled and random negatives, click feedback), fitting,
AUC comparisons on held-out videos, threshold calibration and versioned saving."""
from __future__ import annotations

import json
import math
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace

import numpy as np
from tqdm import tqdm

from gnn import embed as E
from graph.labels import read_labels
from labelmodel.split import side_of, split_ids
from tagging import label_channel as LC
from tagging import rank as R
from tagging import store
from tagging.channels import FIELDS
from tagging.features import FEATURES, INDEX, recall_score
from tagging.tagger import Tagger, rank_dir
from tagging.thresholds import Thresholds, assign_core, calibrate, served
from tagging.vectors import VisualPrototypes
from tagkg.files import write_text
from video.record import from_row
from video.vectors import text_vectors

RECALL_BATCH = 256
SPARSE_KEEP = 0.3   # chance that a sparse copy keeps each of SPARSE_OPTIONAL
SPARSE_OPTIONAL = FIELDS[1:] + ("products", "queries", "visual")   # all but the title


@dataclass
class Split:
    """Video ids by role. Held-out and validation are labelmodel.split's test and validation sides (the GNN's
    too), so no training or threshold step of any model sees a held-out video's labels."""

    heldout: list[str]
    validation: list[str]
    labelled: list[str]
    unlabelled: list[str]


def make_split(video_ids: list[str], truth: dict, cfg: R.RankConfig) -> Split:
    """Labelled videos by side; cfg.label_fraction of the train side (all by default) supervises the ranker,
    the rest of the corpus is unlabelled (it still gives click feedback)."""
    sides = split_ids(sorted(v for v in video_ids if v in truth))
    pool = sides["train"]
    n_lab = max(1, round(cfg.label_fraction * len(pool)))
    labelled = set(pool[:n_lab])
    return Split(sides["test"], sides["validation"], pool[:n_lab],
                 [v for v in sorted(video_ids) if v not in labelled and side_of(v) == "train"])


@dataclass
class Dataset:
    """Recalled pairs of every video with labels; vectors in shared tables."""

    ids: list[str]
    role: np.ndarray            # (n_videos,) 'heldout' | 'validation' | 'labelled' | 'unlabelled' | 'sparse'
    #                             | 'heldout_sparse' (sparse copies of labelled and held-out videos)
    tables: R.Tables
    pairs: R.Pairs              # y/core = gold; w = 1
    clicked: np.ndarray         # (n_pairs,) tag-click count of the pair
    n_gold: dict                # role -> (gold pairs, gold core pairs) incl. unrecalled
    gold_per_video: np.ndarray  # (n_videos,) gold tags per video incl. unrecalled


def sparse_copy(video: dict, rng: np.random.Generator) -> dict:
    """The video as an ad-hoc caller might send it: the title, each other field kept with chance SPARSE_KEEP."""
    return {k: val for k, val in video.items()
            if k in ("id", "title") or (k in SPARSE_OPTIONAL and rng.random() < SPARSE_KEEP)}


def build_dataset(tagger: Tagger, graph, split: Split, truth: dict, clicks: list[tuple[str, str, int]],
                  blind, cfg: R.RankConfig, progress: bool = True) -> Dataset:
    """Recall every split video (label-blind GNN vectors for train videos: blind(id) -> (d,) or None, from the GNN
    stage's files), add random negatives to train videos,
    then sparse copies of a share of labelled videos (trained on) and of every held-out video (evaluated)."""
    lib = tagger.lib
    rng = np.random.default_rng(cfg.seed)
    n_sparse = round(cfg.sparse_fraction * len(split.labelled))
    # (id in the dataset, stored video id, role); sparse copies come last
    stored = ([(v, v, "heldout") for v in split.heldout] + [(v, v, "validation") for v in split.validation]
              + [(v, v, "labelled") for v in split.labelled] + [(v, v, "unlabelled") for v in split.unlabelled])
    sparse = ([(f"{v}~sparse", v, "sparse") for v in split.labelled[:n_sparse]]
              + [(f"{v}~sparse", v, "heldout_sparse") for v in split.heldout])
    entries = stored + sparse
    # sparse copies are drawn up front, so the label channel can score them out of fold like their videos
    sparse_rows = {e[0]: row for lo in range(0, len(sparse), RECALL_BATCH)
                   for e, row in zip(sparse[lo:lo + RECALL_BATCH],
                                     store.read_videos(graph, [e[1] for e in sparse[lo:lo + RECALL_BATCH]]))}
    sparse_rows = {k: sparse_copy(v, rng) for k, v in sparse_rows.items()}
    label_oof = fit_label_channel(tagger, graph, split, truth, sparse, sparse_rows) if cfg.label_channel else {}
    ids = [e[0] for e in entries]
    role = np.array([e[2] for e in entries])
    click_of = {(v, lib.row[t]): c for v, t, c in clicks if t in lib.row}
    own_gold = {(v, lib.row[t]) for v in split.labelled + split.validation for t in sum(truth[v], [])}
    parts, vecs, has_vis = [], {"text": [], "gnn": [], "visual": []}, []
    # batches never mix stored and sparse videos: the sparse ones are recalled as new (no stored GNN vector)
    batches = [(lo, min(lo + RECALL_BATCH, end), is_sparse)
               for start, end, is_sparse in ((0, len(stored), False), (len(stored), len(entries), True))
               for lo in range(start, end, RECALL_BATCH)]
    for lo, hi, is_sparse in tqdm(batches, desc="recall", unit="batch", disable=not progress):
        chunk = [e[1] for e in entries[lo:hi]]
        chunk_role = role[lo:hi]
        videos = [sparse_rows[i] for i in ids[lo:hi]] if is_sparse else store.read_videos(graph, chunk)
        assert [v["id"] for v in videos] == chunk
        train_side = ~np.isin(chunk_role, ("heldout", "heldout_sparse"))
        extra = [rng.integers(0, len(lib), cfg.random_negatives).tolist() if t else [] for t in train_side]
        override = None
        if blind is not None and not is_sparse:
            index_vecs = tagger._gnn_vectors([from_row(v) for v in videos],
                                              np.zeros((len(videos), tagger.tag_gnn.shape[1]), np.float32))
            blind_vecs = [blind(v) if t else None for v, t in zip(chunk, train_side)]
            override = np.stack([b if b is not None else index_vecs[i]
                                 for i, b in enumerate(blind_vecs)]).astype(np.float32)
        own = {(i, r) for i, v in enumerate(chunk) for r in (lib.row[t] for t in sum(truth.get(v, ([], [])), []))
               if (v, r) in own_gold}
        rb = tagger.recall(videos, override, extra, own, as_new=is_sparse,
                           label_preds=[label_oof.get(i) for i in ids[lo:hi]])
        for k in vecs:
            vecs[k].append(rb.vectors[k])
        has_vis.append(rb.has_visual)
        parts.append((rb.video + lo, rb.tag, rb.x))
    video = np.concatenate([p[0] for p in parts])
    tag = np.concatenate([p[1] for p in parts])
    x = np.concatenate([p[2] for p in parts])
    gold_of = [truth[e[1]] for e in entries]
    gold = {(i, lib.row[t]): 1 for i, g in enumerate(gold_of) for t in g[1]}
    gold.update({(i, lib.row[t]): 2 for i, g in enumerate(gold_of) for t in g[0]})
    g = np.array([gold.get((a, b), 0) for a, b in zip(video, tag)])
    # clicks belong to the stored video: a sparse copy's dataset id has none, so it is trained on gold only
    clicked = np.array([click_of.get((ids[a], b), 0) for a, b in zip(video, tag)], np.float32)
    n = len(video)
    pairs = R.Pairs(video, tag, x, (g > 0).astype(np.float32), (g == 2).astype(np.float32),
                    np.ones(n, np.float32), np.ones(n, np.float32))
    tables = R.Tables({k: np.concatenate(v).astype(np.float32) for k, v in vecs.items()}, np.concatenate(has_vis),
                      {"text": tagger.tag_text, "gnn": tagger.tag_gnn})
    n_gold = {r: (sum(len(g[0]) + len(g[1]) for g, rr in zip(gold_of, role) if rr == r),
                  sum(len(g[0]) for g, rr in zip(gold_of, role) if rr == r)) for r in set(role)}
    per_video = np.array([len(g[0]) + len(g[1]) for g in gold_of])
    return Dataset(ids, role, tables, pairs, clicked, n_gold, per_video)


def fit_label_channel(tagger: Tagger, graph, split: Split, truth: dict, sparse: list[tuple[str, str, str]],
                      sparse_rows: dict[str, dict]) -> dict[str, LC.Predictions]:
    """Fit the label channel (tagging/label_channel.py) on the labelled training videos and set it on the tagger;
    return their out-of-fold predictions, and their sparse copies', by dataset id."""
    lab = split.labelled
    recs = [from_row(v) for lo in range(0, len(lab), RECALL_BATCH)
            for v in store.read_videos(graph, lab[lo:lo + RECALL_BATCH])]
    lab_set = set(lab)
    copies = [(ds, video, from_row(sparse_rows[ds])) for ds, video, _ in sparse if video in lab_set]
    copy_vecs = text_vectors(tagger.enc, [r for _, _, r in copies])
    model, oof, oof_copies = LC.fit(lab, [r.text() for r in recs], [set(sum(truth[v], [])) for v in lab],
                                    text_vectors(tagger.enc, recs),
                                    [(video, r.text(), x) for (_, video, r), x in zip(copies, copy_vecs)])
    tagger.labels = model
    return {**dict(zip(lab, oof)), **{ds: p for (ds, _, _), p in zip(copies, oof_copies)}}


def training_pairs(ds: Dataset, cfg: R.RankConfig) -> R.Pairs:
    """Labelled videos' pairs; with cfg.clicks also click-only videos, clicked = positive, weighted down."""
    vrole = ds.role[ds.pairs.video]
    lab = (vrole == "labelled") | ((vrole == "sparse") & (cfg.sparse_fraction > 0))
    p = ds.pairs
    if not cfg.clicks:
        return p.take(np.flatnonzero(lab))
    clicked_videos = np.unique(p.video[(vrole == "unlabelled") & (ds.clicked > 0)])
    unl = np.isin(p.video, clicked_videos)
    y = np.where(unl, (ds.clicked > 0).astype(np.float32), p.y)
    w = np.where(unl, cfg.click_weight, 1.0).astype(np.float32)
    # a labelled pair the users also clicked weighs more: feedback confirms it
    w = np.where(lab & (ds.clicked > 0), 1.0 + cfg.click_weight * np.log1p(ds.clicked) / math.log(10), w)
    w_core = np.where(unl, 0.0, 1.0).astype(np.float32)
    keep = np.flatnonzero(lab | unl)
    return R.Pairs(p.video, p.tag, p.x, y.astype(np.float32), p.core, w.astype(np.float32), w_core).take(keep)


def role_pairs(ds: Dataset, role: str) -> R.Pairs:
    return ds.pairs.take(np.flatnonzero(ds.role[ds.pairs.video] == role))


def quality(video: np.ndarray, score: np.ndarray, y: np.ndarray, n_gold_per_video: np.ndarray) -> dict:
    """Mean precision@5 and recall@10 of per-video rankings by `score` (gold missed by recall counts as missed)."""
    order = np.lexsort((-score, video))
    v = video[order]
    first = np.r_[0, np.flatnonzero(v[1:] != v[:-1]) + 1]
    p5, r10 = [], []
    for a, b in zip(first, np.r_[first[1:], len(v)]):
        hits = y[order[a:b]]
        total = n_gold_per_video[v[a]]
        p5.append(hits[:5].sum() / 5)
        r10.append(hits[:10].sum() / total if total else 0.0)
    return {"precision@5": round(float(np.mean(p5)), 4), "recall@10": round(float(np.mean(r10)), 4)}


def _tag_prior(lib, split: Split, truth: dict) -> dict[str, float]:
    """log-popularity of each tag among labelled videos' gold, scaled to [0, 1]."""
    counts = Counter(t for v in split.labelled for t in sum(truth[v], []))
    top = math.log1p(max(counts.values(), default=1))
    return {t: round(math.log1p(c) / top, 4) for t, c in counts.items()}


def train_ranker(graph, settings, prefix: str = "", compare: bool = False,
                 progress: bool = True, note: str = "", baselines: tuple = (),
                 **overrides) -> dict:
    """Train a ranking model version; compare=True also trains the fusion/adversarial/click/sparse ablations and
    the learned baselines on the same features (learned_baselines); `baselines` are saved versions evaluated on the
    same held-out pairs."""
    cfg = R.RankConfig(version_note=note, **overrides)
    t0 = time.perf_counter()
    tagger = Tagger.from_graph(graph, settings, prefix, rank_version=None, progress=progress)
    gold = {v: ([t for t in c if t in tagger.lib.row], [t for t in r if t in tagger.lib.row])
            for v, (c, r) in read_labels(graph, prefix).items()}
    if not gold:
        raise ValueError("no labels in the graph: load video labels first (tagkg load labels FILE)")
    video_ids = [v for page in store.iter_video_ids(graph, prefix) for v in page]
    split = make_split(video_ids, gold, cfg)
    prior = _tag_prior(tagger.lib, split, gold)
    for t, p in prior.items():
        tagger.prior[tagger.lib.row[t]] = p
    visual_videos = store.read_videos(graph, split.labelled + split.validation)
    vis_pairs = [(i, tagger.lib.row[t]) for i, v in enumerate(visual_videos) if v.get("visual")
                 for t in sum(gold[v["id"]], [])]
    if vis_pairs:
        dv = len(next(v["visual"] for v in visual_videos if v.get("visual")))
        vis = np.array([v["visual"] if v.get("visual") and len(v["visual"]) == dv else [0.0] * dv
                        for v in visual_videos], np.float32)
        tagger.visual = VisualPrototypes.fit(len(tagger.lib), vis, np.asarray(vis_pairs, np.int64))
        tagger.visual_dim = dv
    else:   # no labelled video has a visual vector: train without visual input, whatever other videos carry
        tagger.visual_off = True
    blind = tagger.retriever.blind_vector if tagger.retriever is not None and tagger.retriever.blind_vecs is not None else None
    clicks = store.read_tag_clicks(graph, prefix)
    ds = build_dataset(tagger, graph, split, gold, clicks, blind, cfg, progress)
    prep_s = time.perf_counter() - t0
    held, val, held_sparse = role_pairs(ds, "heldout"), role_pairs(ds, "validation"), role_pairs(ds, "heldout_sparse")
    result = {"split": {k: len(v) for k, v in asdict(split).items()},
              "pairs": {r: int((ds.role[ds.pairs.video] == r).sum()) for r in np.unique(ds.role)},
              "tag_clicks": len(clicks), "prepare_s": round(prep_s, 1),
              "auc_recall_only": R.auc(held.y, recall_score(held.x)),
              "heldout_gold_recalled": round(float(held.y.sum()) / max(ds.n_gold.get("heldout", (1, 1))[0], 1), 4)}
    result["training_pairs"] = len(training_pairs(ds, cfg).y)
    result["baselines"] = {b: R.evaluate(R.load(rank_dir(settings) / b, len(FEATURES))[0], ds.tables, held) for b in baselines}
    variants = {"main": cfg}
    if compare:
        variants.update({"late_fusion": replace(cfg, fusion="late"), "no_adversarial": replace(cfg, adversarial=False),
                         "no_clicks": replace(cfg, clicks=False), "no_sparse": replace(cfg, sparse_fraction=0.0)})
    models = {}
    for name, c in variants.items():
        t = time.perf_counter()
        model, hist = R.fit(ds.tables, training_pairs(ds, c), c, held, progress=progress)
        models[name] = model
        result[name] = {"fusion": c.fusion, "adversarial": c.adversarial, "clicks": c.clicks,
                        "sparse_fraction": c.sparse_fraction, **R.evaluate(model, ds.tables, held),
                        "auc_sparse": R.evaluate(model, ds.tables, held_sparse)["auc"],
                        "auc_validation": R.evaluate(model, ds.tables, val)["auc"],
                        "heldout_ranking": quality(held.video, R.predict(model, ds.tables, held)[0], held.y,
                                                   ds.gold_per_video),
                        "train_s": round(time.perf_counter() - t, 1),
                        "history": hist}
    if compare:
        result["learned_baselines"] = learned_baselines(ds, cfg, held, val)
    model = models["main"]
    rel, core_p = R.predict(model, ds.tables, val)
    val_gold = {int(i): int(ds.gold_per_video[i]) for i in np.flatnonzero(ds.role == "validation")}
    th = calibrate(val.video, val.tag, rel, core_p, val.y, val.core, val_gold, ds.n_gold["validation"][1],
                   cfg.max_core)
    result["thresholds"] = th.to_dict()
    result["heldout_quality"] = heldout_quality(model, ds, held, th)
    # the same held-out videos sent as sparse ad-hoc payloads (title plus a random few fields)
    result["heldout_sparse_quality"] = heldout_quality(model, ds, held_sparse, th)
    version = R.new_version(cfg)
    folder = rank_dir(settings) / version
    dims = {f"v_{m}": ds.tables.video[m].shape[1] for m in R.VIDEO_MODALITIES}
    dims.update({f"t_{m}": ds.tables.tag[m].shape[1] for m in R.TAG_MODALITIES})
    extra = {"thresholds": th.to_dict(), "prior": prior, "prototype_tags": tagger.lib.ids,
             "gnn_version": E.latest_version(settings), "prefix": prefix,
             "split_seed": cfg.seed, "heldout": split.heldout, "metrics": {k: v for k, v in result.items()}}
    R.save(folder, model, cfg, dims, extra)
    if tagger.labels is not None:
        LC.save(tagger.labels, folder)
    if tagger.visual is not None:
        tagger.visual.save(folder)
    tp = training_pairs(ds, cfg)   # the dynamic training set of this version, kept for audits
    np.savez_compressed(folder / "train-pairs.npz", video=np.array(ds.ids)[tp.video],
                        tag=np.array(tagger.lib.ids)[tp.tag], y=tp.y, w=tp.w)
    write_text(folder / "report.json", json.dumps(result, ensure_ascii=False, indent=1))
    write_text(rank_dir(settings) / "LATEST", version + "\n")   # readers see the old or the new name, whole
    return {"version": version, "folder": str(folder), "seconds": round(time.perf_counter() - t0, 1), **result}


LEARNED_MAX_PAIRS = 500_000   # training pairs the learned baselines fit on at most (a random sample)


def learned_baselines(ds: Dataset, cfg: R.RankConfig, held: R.Pairs, val: R.Pairs) -> dict:
    """Logistic regression and gradient boosting (scikit-learn) on the ranker's recall features (every channel's
    score and evidence features, the text/GNN/visual cosines, the context flags), fitted on the ranker's training
    pairs with their weights: AUC on validation and held-out pairs, P@5 / R@10 of the held-out rankings."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    tp = training_pairs(ds, cfg)
    rng = np.random.default_rng(cfg.seed)
    idx = np.sort(rng.choice(len(tp.y), LEARNED_MAX_PAIRS, replace=False)) if len(tp.y) > LEARNED_MAX_PAIRS \
        else np.arange(len(tp.y))
    out = {}
    # one OpenMP thread: on a shared machine its spinning threads made a 1,600-row fit take 57 s instead of 6
    with threadpool_limits(1):
        for name, clf, weight in (
                ("logistic_regression", make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
                 "logisticregression__sample_weight"),
                ("gradient_boosting", HistGradientBoostingClassifier(max_iter=100, random_state=cfg.seed),
                 "sample_weight")):
            t = time.perf_counter()
            clf.fit(tp.x[idx], tp.y[idx], **{weight: tp.w[idx]})
            score = clf.predict_proba(held.x)[:, 1]
            out[name] = {"auc": R.auc(held.y, score), "auc_validation": R.auc(val.y, clf.predict_proba(val.x)[:, 1]),
                         "heldout_ranking": quality(held.video, score, held.y, ds.gold_per_video),
                         "training_pairs": len(idx), "train_s": round(time.perf_counter() - t, 1)}
    return out


def heldout_quality(model, ds: Dataset, held: R.Pairs, th: Thresholds) -> dict:
    """P@5 / R@10 on held-out videos: full model, recall without ranking, the content-text channel alone."""
    rel, core_p = R.predict(model, ds.tables, held)
    out = {}
    for name, score in (("ranked", rel), ("recall_only", recall_score(held.x)),
                        ("text_only", np.where(held.x[:, INDEX["text"]] > 0, held.x[:, INDEX["text"]], -1.0))):
        out[name] = quality(held.video, score, held.y, ds.gold_per_video)
    kept = served(held.video, rel, th.keep, th.rescue, th.max_kept)
    core = assign_core(held.video, rel, core_p, kept, th.core, th.max_core)
    out["kept_per_video"] = round(float(kept.sum()) / max(len(np.unique(held.video)), 1), 2)
    out["core_precision"] = round(float(held.core[core].sum()) / max(core.sum(), 1), 4)
    out["kept_precision"] = round(float(held.y[kept].sum()) / max(kept.sum(), 1), 4)
    videos = np.unique(held.video)
    out["untagged"] = round(1 - len(np.unique(held.video[kept])) / max(len(videos), 1), 4)
    return out
