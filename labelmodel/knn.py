"""kNN over labelled training videos: a text's tags are its k nearest training videos' tags, by cosine.

Works on any row vectors: the sparse TF-IDF rows of features.py or dense sentence vectors the caller
passes. A tag's score is the similarity-weighted share of the neighbours that carry it,
    score(t) = sum_j s_j * y_jt / sum_j s_j   over the k neighbours j (similarities s_j clipped at 0),
so scores lie in [0, 1] and mean the same at any k.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from labelmodel.labelspace import top_k_per_row

CHUNK = 1024  # query rows per similarity block: (CHUNK, n_train) float32 at a time


def l2_rows(x):
    """Rows scaled to unit length (zero rows stay zero); sparse stays sparse, dense becomes float32."""
    if sp.issparse(x):
        x = sp.csr_matrix(x, dtype=np.float32)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        return sp.diags(np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0).astype(np.float32)) @ x
    x = np.asarray(x, np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.where(norms > 0, x / np.maximum(norms, 1e-12), 0.0).astype(np.float32)


def nearest(queries, items_t, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(idx, sim), both (n_queries, k): the k items of highest cosine per query, best first.

    items_t is the items' matrix transposed, (d, n_items), CSR when sparse; rows of both L2-normalised
    (l2_rows)."""
    n_items = items_t.shape[1]
    k = min(k, n_items)
    idx = np.zeros((queries.shape[0], k), np.int64)
    sim = np.zeros((queries.shape[0], k), np.float32)
    for lo in range(0, queries.shape[0], CHUNK):
        block = queries[lo:lo + CHUNK] @ items_t                       # (chunk, n_items)
        block = block.toarray() if sp.issparse(block) else np.asarray(block)
        block = block.astype(np.float32, copy=False)
        if k < n_items:
            part = np.argpartition(-block, k - 1, axis=1)[:, :k]
        else:
            part = np.tile(np.arange(n_items), (len(block), 1))
        part_sim = np.take_along_axis(block, part, axis=1)
        order = np.lexsort((part, -part_sim), axis=1)  # best first, ties by item index
        idx[lo:lo + CHUNK] = np.take_along_axis(part, order, axis=1)
        sim[lo:lo + CHUNK] = np.take_along_axis(part_sim, order, axis=1)
    return idx, sim


def vote(idx: np.ndarray, sim: np.ndarray, y: sp.csr_matrix) -> sp.csr_matrix:
    """(n_queries, n_tags) tag scores from neighbours idx/sim (n_queries, k) and training labels y (n_train, n_tags)."""
    w = np.clip(sim, 0.0, None)
    total = w.sum(axis=1, keepdims=True)
    w = np.where(total > 0, w / np.maximum(total, 1e-12), 0.0)
    n_q, k = idx.shape
    weights = sp.csr_matrix((w.ravel(), (np.repeat(np.arange(n_q), k), idx.ravel())), shape=(n_q, y.shape[0]))
    return (weights @ y).tocsr()


class KnnClassifier:
    """Fitted = the training rows (L2-normalised) and their label matrix; nothing is learned."""

    def __init__(self, k: int):
        self.k = k
        self.items = None   # (n_train, d) sparse or dense, unit rows
        self.y = None       # (n_train, n_tags) csr

    @property
    def items(self):
        return self._items

    @items.setter
    def items(self, x) -> None:
        # the transpose (d, n_train) is made once here: `q @ items.T` on CSR items converts the CSC transpose
        # back to CSR on every call, ~300 ms a query at 66k training videos (bench/results/tagging.json at 0b265a1)
        self._items = x
        self._items_t = None if x is None else x.T.tocsr() if sp.issparse(x) else np.ascontiguousarray(x.T)

    def fit(self, x, y: sp.csr_matrix) -> "KnnClassifier":
        self.items, self.y = l2_rows(x), sp.csr_matrix(y, dtype=np.float32)
        return self

    def predict(self, x, top_k: int) -> list[list[tuple[int, float]]]:
        """Per query row, up to top_k (tag column, score) best first."""
        idx, sim = nearest(l2_rows(x), self._items_t, self.k)
        return top_k_per_row(vote(idx, sim, self.y), top_k)
