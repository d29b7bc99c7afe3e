"""GNN video vectors inferred with every video's own tag edges removed, for the ranker's training videos.

A train video's index vector has seen its gold tags through HAS_TAG edges; held-out videos' have not.
Training the ranker on the former would teach it to trust a signal that is absent at tagging time."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gnn import embed as E
from gnn.build_graph import build, features, similar_edges
from gnn.encode import TextEncoder
from gnn.export import export
from gnn.train import embed_all, load_checkpoint


def blind_video_vectors(graph, settings, prefix: str = "", progress: bool = False) -> dict[str, np.ndarray]:
    """video id -> (d,) vector of the latest GNN, every video treated as held out; {} before any GNN exists."""
    version = E.latest_version(settings)
    if version is None:
        return {}
    model, cfg, _ = load_checkpoint(E.models_dir(settings) / version / "model.pt")
    data = export(graph, prefix=prefix, progress=progress)
    feats = features(data, TextEncoder(Path(settings.data_dir) / "cache"), progress=progress)
    sim = similar_edges(feats, cfg.knn_tag, cfg.knn_video, cfg.knn_query, cfg.knn_min_score) if cfg.similar_edges else None
    g = build(data, feats, np.zeros((0, 3), np.int64) if cfg.label_edges else None, np.arange(len(data.video_ids)), sim)
    video, _ = embed_all(model, cfg, g)
    return dict(zip(data.video_ids, video))
