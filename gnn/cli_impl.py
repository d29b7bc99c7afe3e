"""Bodies of `tagkg train`, `tagkg index` and `tagkg similar` as plain functions (the CLI wires options)."""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from gnn import embed as E
from gnn import inductive
from gnn.build_graph import features, similar_edges
from video.encode import encoder
from gnn.evaluate import rank_metrics
from gnn.export import GraphData, export, write_similar
from gnn.train import (TrainConfig, embed_all, fit, graph_for, load_checkpoint, new_version, prepare_graph,
                       save_checkpoint, selected, split)

SIMILAR_METHOD = "use-knn"


def _load(graph, settings, prefix: str, progress: bool):
    data = export(graph, prefix=prefix, progress=progress)
    if not data.video_ids:
        raise ValueError("no videos in the graph: load data first (tagkg load-demo)")
    feats = features(data, encoder(settings), progress=progress)
    return data, feats


def _write_similar(graph, data: GraphData, sim, prefix: str, progress: bool) -> dict:
    """Store the tag-tag kNN edges as SIMILAR_TO {score, method: 'use-knn'} in Neo4j: the related-tags read
    serves them. Video and query kNN edges stay in the model's graph; similar videos are read from the GNN
    index (one definition for the API, the CLI and the tagger), so they are not written back."""
    src, dst, score = sim.tag
    return {"Tag": write_similar(graph, data.tag_ids, src, dst, score, SIMILAR_METHOD, prefix, progress)}


def _index(graph, settings, model, cfg: TrainConfig, g, data: GraphData, version: str, neo4j: bool,
           progress: bool, feats=None, sim=None, labels=None) -> dict:
    """Embed every node with `model`, save FAISS indexes under models/<version>/, optionally write Neo4j.

    Also saves label-blind video vectors (every video's tag edges removed, as for a held-out video): the
    ranker trains on those, since a training video's index vector has seen its own labels; and what the
    inductive embedding of a new video needs (gnn/inductive.py)."""
    video_vecs, tag_vecs = embed_all(model, cfg, g)
    blind = None
    if feats is not None:
        blind, _ = embed_all(model, cfg, graph_for(data, feats, labels, np.arange(len(data.video_ids)), sim, cfg))
    approved = np.flatnonzero(data.tag_approved)
    tag_ids = [data.tag_ids[i] for i in approved]
    folder = E.models_dir(settings) / version
    meta = E.save_indexes(folder, data.video_ids, video_vecs, tag_ids, tag_vecs[approved], version, blind)
    if feats is not None:
        inductive.save(folder, model, g, feats.video_text)
    if neo4j:
        E.write_neo4j(graph, "Tag", tag_ids, tag_vecs[approved], version, progress)
        E.write_neo4j(graph, "Video", data.video_ids, video_vecs, version, progress)
    E.set_latest(settings, version)
    return meta


def _pairs_ids(data: GraphData, pairs: np.ndarray) -> list[tuple[str, str, int]]:
    return [(data.video_ids[v], data.tag_ids[t], int(c)) for v, t, c in pairs]


def train_main(graph, settings, prefix: str = "", epochs: int = 6, seed: int = 0,
               holdout: int = 1000, n_layers: int = 2, similar_edges: bool = False, batch_videos: int = 512,
               time_budget_s: float | None = None, compare: bool = False, write_graph: bool = True,
               progress: bool = True, **overrides) -> dict:
    """Export, train, evaluate on held-out videos, save a versioned checkpoint + PNG, index the embeddings.

    compare=True also measures (a) text-only cosine, (b) two towers without the graph and the other of (c) the
    GNN with click edges only and (d) with SIMILAR_TO edges too; the main model is (c) unless
    n_layers/similar_edges say otherwise.
    """
    cfg = TrainConfig(seed=seed, epochs=epochs, holdout=holdout, n_layers=n_layers, similar_edges=similar_edges,
                      batch_videos=batch_videos, time_budget_s=time_budget_s, **overrides)
    t0 = time.perf_counter()
    data, feats = _load(graph, settings, prefix, progress)
    if not len(data.labels):
        raise ValueError("no labels in the graph: load video labels first (tagkg load labels FILE)")
    sp = split(data, cfg)
    g, sim = prepare_graph(data, feats, sp, cfg)
    prep_s = time.perf_counter() - t0
    stored = _write_similar(graph, data, sim, prefix, progress) if write_graph else {}
    result = {"videos": len(data.video_ids), "tags": len(data.tag_ids), "queries": len(data.query_texts),
              "heldout_videos": len(sp.heldout), "validation_videos": len(sp.validation), "train_pairs": len(sp.train_pairs), "test_pairs": len(sp.test_pairs),
              "graph_edges": {et: g.num_edges(et) for et in g.etypes}, "similar_to_written": stored,
              "prepare_s": round(prep_s, 1)}
    if compare:
        result["a_text_only"] = rank_metrics(feats.video_text, feats.tag_text, sp.test_pairs, sp.candidates)
        other = ("c_gnn_clicks", {"similar_edges": False}) if cfg.similar_edges else ("d_gnn_full", {"similar_edges": True})
        for name, change in (("b_two_tower", {"n_layers": 0}), other):
            c = replace(cfg, **change)
            gc, _ = prepare_graph(data, feats, sp, c, sim)
            t = time.perf_counter()
            _, hist = fit(gc, sp, sim, c, progress=progress)
            result[name] = {**selected(hist), "train_s": round(time.perf_counter() - t, 1)}
    t = time.perf_counter()
    model, history = fit(g, sp, sim, cfg, progress=progress)
    train_s = time.perf_counter() - t
    version = new_version(cfg)
    out_dir = E.models_dir(settings) / version
    # the split travels with the checkpoint, so `tagkg index` rebuilds the same graph without the labels
    save_checkpoint(out_dir, model, cfg, history, {"prefix": prefix, "version": version,
                                                   "hidden_videos": [data.video_ids[i] for i in sp.hidden],
                                                   "label_pairs": _pairs_ids(data, sp.train_pairs) if cfg.label_edges else []})
    result[("d_gnn_full" if cfg.similar_edges else "c_gnn_clicks") if cfg.n_layers else "b_two_tower"] = {
        **selected(history), "train_s": round(train_s, 1)}
    result.update({"version": version, "checkpoint": str(out_dir / "model.pt"), "plot": str(out_dir / "history.png"),
                   "epochs": len(history), "train_s": round(train_s, 1), "history": history,
                   "index": _index(graph, settings, model, cfg, g, data, version, write_graph, progress,
                                   feats, sim, sp.train_pairs)})
    return result


def index_main(graph, settings, version: str | None = None, neo4j: bool = True, progress: bool = True) -> dict:
    """Re-export the current graph and re-embed every node with a trained checkpoint (default: latest)."""
    version = version or E.latest_version(settings)
    if version is None:
        raise FileNotFoundError("no trained model: run `tagkg train` first")
    model, cfg, ckpt = load_checkpoint(E.models_dir(settings) / version / "model.pt")
    data, feats = _load(graph, settings, ckpt.get("prefix", ""), progress)
    hidden = np.array([data.video_index[v] for v in ckpt["hidden_videos"] if v in data.video_index], np.int64)
    labels = np.array([(data.video_index[v], data.tag_index[t], c) for v, t, c in ckpt["label_pairs"]
                       if v in data.video_index and t in data.tag_index], np.int64).reshape(-1, 3)
    sim = similar_edges(feats, cfg.knn_tag, cfg.knn_video, cfg.knn_query, cfg.knn_min_score)
    g = graph_for(data, feats, labels, hidden, sim, cfg)
    return _index(graph, settings, model, cfg, g, data, version, neo4j, progress, feats, sim, labels)


def similar_main(settings, video_id: str, k: int = 10, tags: int = 20, version: str | None = None) -> dict:
    """Similar videos and cross-modal tags of VIDEO_ID from the saved FAISS indexes."""
    r = E.load_retriever(settings, version)
    if r.video_vector(video_id) is None:
        raise KeyError(f"video {video_id!r} is not in index {r.version}: run `tagkg index`")
    return {"video": video_id, "version": r.version,
            "similar_videos": [{"id": v, "score": round(s, 4)} for v, s in r.similar_videos(video_id, k)],
            "tags": [{"id": t, "score": round(s, 4)} for t, s in r.video_to_tags(video_id, tags)]}
