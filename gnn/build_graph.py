"""Node features from the sentence encoder, semantic kNN edges, and the DGL heterograph."""
from __future__ import annotations

from dataclasses import dataclass

import dgl
import faiss
import numpy as np
import torch

from gnn.export import GraphData
from video.encode import TextEncoder
from video.vectors import node_input, short_text_vectors, text_vectors

EXACT_KNN_MAX = 50_000  # above this many points kNN uses HNSW instead of exact search

# Canonical edge types; every relation has its reverse so messages flow both ways.
CLICK_ETYPES = [("query", "qv", "video"), ("video", "vq", "query"),
                ("tag", "tv", "video"), ("video", "vt", "tag"),
                ("video", "has_tag", "tag"), ("tag", "tagged", "video"),
                ("tag", "composed_of", "tag"), ("tag", "component_of", "tag")]
SIMILAR_ETYPES = [("tag", "sim_tt", "tag"), ("video", "sim_vv", "video"), ("query", "sim_qq", "query")]
# Edges that reveal a video's tags; removed for held-out videos and for each training batch's videos.
LEAKY = ("has_tag", "tagged", "tv", "vt")


@dataclass
class Features:
    """Sentence-encoder vectors per node type; `video`/`tag` text vectors also serve baseline (a)."""

    video_text: np.ndarray    # (n_videos, 512) unit vectors of the video's text
    tag_text: np.ndarray      # (n_tags, 512) unit vectors of tag names
    query_text: np.ndarray    # (n_queries, 512)
    visual: np.ndarray | None  # (n_videos, visual_dim) or None

    def node_features(self) -> dict[str, torch.Tensor]:
        """Model inputs: text vectors, plus the visual vector appended to the video's when present."""
        return {"video": torch.from_numpy(node_input(self.video_text, self.visual)),
                "tag": torch.from_numpy(self.tag_text), "query": torch.from_numpy(self.query_text)}


def features(data: GraphData, encoder: TextEncoder, progress: bool = True) -> Features:
    """Video, tag and query vectors by the one recipe of video.vectors."""
    video = text_vectors(encoder, data.videos, progress)
    tag = short_text_vectors(encoder, data.tag_names, progress, "encode tags")
    query = short_text_vectors(encoder, data.query_texts, progress, "encode queries")
    return Features(video, tag, query, data.visual)


def knn_index(x: np.ndarray) -> faiss.Index:
    """Inner-product index over unit vectors x (n, d): exact up to EXACT_KNN_MAX points, HNSW above. Training's
    kNN edges and a new video's neighbours (gnn/inductive.py) are both searched in it."""
    n, d = x.shape
    if n <= EXACT_KNN_MAX:
        index = faiss.IndexFlatIP(d)
    else:
        index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 64
    index.add(np.ascontiguousarray(x, np.float32))
    return index


def knn(x: np.ndarray, k: int, min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directed kNN pairs (src, dst, cosine) of unit vectors x, self excluded, below min_score dropped."""
    n = len(x)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    score, nbr = knn_index(x).search(x, min(k + 1, n))             # (n, k+1): self is usually first
    src = np.repeat(np.arange(n), nbr.shape[1])
    dst, score = nbr.ravel(), score.ravel()
    keep = (dst != src) & (dst >= 0) & (score >= min_score)
    return src[keep], dst[keep], score[keep]


@dataclass
class SimilarEdges:
    """Semantic kNN pairs per node type, from text vectors."""

    tag: tuple
    video: tuple
    query: tuple


def similar_edges(feats: Features, k_tag: int = 10, k_video: int = 5, k_query: int = 5,
                  min_score: float = 0.5) -> SimilarEdges:
    """Text–text and video–video kNN edges: clicks are sparse, these connect what clicks miss."""
    return SimilarEdges(knn(feats.tag_text, k_tag, min_score), knn(feats.video_text, k_video, min_score),
                        knn(feats.query_text, k_query, min_score))


def build(data: GraphData, feats: Features, train_pairs: np.ndarray | None, heldout: np.ndarray,
          similar: SimilarEdges | None, clicked: np.ndarray | None = None) -> dgl.DGLHeteroGraph:
    """The heterograph: clicks, COMPOSED_OF, optional SIMILAR_TO, and with train_pairs the train and stored
    HAS_TAG edges (without, the has_tag types exist with no edges); held-out videos lose LEAKY edges.
    clicked (n_videos,) bool, when given, keeps the click edges (query and tag clicks) of those videos only."""
    held = np.zeros(len(data.video_ids), bool)
    held[heldout] = True
    clicked = np.ones(len(data.video_ids), bool) if clicked is None else clicked
    tv = data.tag_video[~held[data.tag_video[:, 1]] & clicked[data.tag_video[:, 1]]] if len(data.tag_video) \
        else data.tag_video
    qv = data.query_video[clicked[data.query_video[:, 1]]] if len(data.query_video) else data.query_video
    if train_pairs is None:
        vt_pairs = np.zeros((0, 2), np.int64)
    else:
        pairs = np.vstack([train_pairs[:, :2], data.has_tag]) if len(data.has_tag) else train_pairs[:, :2]
        # a hidden video never shows its labels, not even its training pairs (the label-blind graph hides all)
        vt_pairs = np.unique(pairs[~held[pairs[:, 0]]], axis=0)                 # (n, 2) video, tag
    edges = {}

    def both(fwd, rev, src, dst):
        edges[fwd] = (torch.from_numpy(np.asarray(src, np.int64)), torch.from_numpy(np.asarray(dst, np.int64)))
        edges[rev] = (edges[fwd][1], edges[fwd][0])

    both(CLICK_ETYPES[0], CLICK_ETYPES[1], qv[:, 0], qv[:, 1])
    both(CLICK_ETYPES[2], CLICK_ETYPES[3], tv[:, 0], tv[:, 1])
    both(CLICK_ETYPES[4], CLICK_ETYPES[5], vt_pairs[:, 0], vt_pairs[:, 1])
    both(CLICK_ETYPES[6], CLICK_ETYPES[7], data.composed_of[:, 0], data.composed_of[:, 1])
    if similar is not None:
        for etype, (src, dst, _) in zip(SIMILAR_ETYPES, (similar.tag, similar.video, similar.query)):
            # symmetrise: a kNN edge carries messages both ways
            s, d = np.concatenate([src, dst]), np.concatenate([dst, src])
            uniq = np.unique(np.stack([s, d], 1), axis=0) if len(s) else np.zeros((0, 2), np.int64)
            edges[etype] = (torch.from_numpy(uniq[:, 0]), torch.from_numpy(uniq[:, 1]))
    sizes = {"video": len(data.video_ids), "tag": len(data.tag_ids), "query": len(data.query_texts)}
    g = dgl.heterograph(edges, num_nodes_dict=sizes)
    for ntype, x in feats.node_features().items():
        g.nodes[ntype].data["x"] = x
    return g
