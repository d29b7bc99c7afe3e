"""Tag ids <-> label columns, and the binary label matrix of a training set."""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp


def label_matrix(label_sets: Sequence[Iterable[str]], tags: Sequence[str] | None = None
                 ) -> tuple[list[str], sp.csr_matrix]:
    """(tags, Y): Y is (n_texts, n_tags) float32 with 1 where text i carries tag j.

    `tags` fixes the columns (labels outside it are dropped); by default every tag seen, sorted, so the
    columns do not depend on the order of the training set."""
    sets = [set(s) for s in label_sets]
    tags = sorted(set().union(*sets)) if tags is None else list(tags)
    col = {t: j for j, t in enumerate(tags)}
    rows, cols = [], []
    for i, s in enumerate(sets):
        js = sorted(col[t] for t in s if t in col)
        rows += [i] * len(js)
        cols += js
    y = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(sets), len(tags)))
    return tags, y


def top_k_per_row(scores: sp.csr_matrix | np.ndarray, k: int) -> list[list[tuple[int, float]]]:
    """The k highest (column, score) pairs of each row, best first; zero scores are not predictions.

    Ties break by column, so predictions are deterministic."""
    out = []
    if sp.issparse(scores):
        scores = scores.tocsr()
        for i in range(scores.shape[0]):
            lo, hi = scores.indptr[i], scores.indptr[i + 1]
            cols, vals = scores.indices[lo:hi], scores.data[lo:hi]
            order = np.lexsort((cols, -vals))[:k]
            out.append([(int(cols[j]), float(vals[j])) for j in order if vals[j] > 0])
        return out
    for row in np.asarray(scores):
        order = np.lexsort((np.arange(len(row)), -row))[:k]
        out.append([(int(j), float(row[j])) for j in order if row[j] > 0])
    return out
