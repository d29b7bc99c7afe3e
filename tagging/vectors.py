"""Indexes the recall channels and the ranker share: nearest tags and visual tag prototypes."""
from __future__ import annotations

import hashlib
from pathlib import Path

import faiss
import numpy as np

from gnn.embed import EXACT_MAX, build_index
from tagkg.files import atomic_write

INDEX_PREFIX = "tag-text-"   # data_dir/cache/tag-text-<names digest>.faiss: the tag text index of one library


class TagIndex:
    """Nearest tags (library rows) to arbitrary vectors: exact inner product up to EXACT_MAX rows, HNSW above.

    cache: a file for the built index. An HNSW index of a million tags takes minutes to build, so a restart
    reads it from there; the caller names the file after what the vectors are (index_file)."""

    def __init__(self, vecs: np.ndarray, rows: np.ndarray | None = None, cache: Path | None = None):
        self.rows = np.arange(len(vecs)) if rows is None else np.asarray(rows)
        if cache is not None and len(vecs) > EXACT_MAX and cache.exists():
            self.index = faiss.read_index(str(cache))
            if self.index.ntotal == len(vecs):
                return
        self.index = build_index(np.ascontiguousarray(vecs, np.float32))
        if cache is not None and len(vecs) > EXACT_MAX:
            atomic_write(cache, lambda tmp: faiss.write_index(self.index, str(tmp)))
            for old in cache.parent.glob(INDEX_PREFIX + "*.faiss"):   # an older library's index: gigabytes
                if old != cache:
                    old.unlink(missing_ok=True)

    def search(self, x: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Per query row of x (n, d): [(library row, cosine)] best first."""
        if len(x) == 0 or self.index.ntotal == 0:
            return [[] for _ in range(len(x))]
        score, idx = self.index.search(np.ascontiguousarray(x, np.float32), min(k, self.index.ntotal))
        return [[(int(self.rows[i]), float(s)) for i, s in zip(ii, ss) if i >= 0] for ii, ss in zip(idx, score)]


def index_file(cache_dir: Path, names: list[str]) -> Path:
    """The tag text index file of a library: named by a digest of its tag names in row order."""
    digest = hashlib.sha1("\n".join(names).encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir) / f"{INDEX_PREFIX}{digest}.faiss"


class VisualPrototypes:
    """Per tag, the sum and count of the visual vectors of the videos labelled with it; prototype = unit mean.

    Keeping sums lets a training video's own contribution be left out (leave-one-out), so the ranker
    never learns from a prototype that already contains the video it scores."""

    def __init__(self, sums: np.ndarray, counts: np.ndarray):
        self.sums, self.counts = sums.astype(np.float32), counts.astype(np.int64)   # (n_tags, d), (n_tags,)
        has = np.flatnonzero(self.counts > 0)
        self.unit = _unit(self.sums)
        self.index = TagIndex(self.unit[has], has) if len(has) else None

    @classmethod
    def fit(cls, n_tags: int, visual: np.ndarray, pairs: np.ndarray) -> "VisualPrototypes":
        """visual (n_videos, d); pairs (m, 2) video row, tag row."""
        sums = np.zeros((n_tags, visual.shape[1]), np.float32)
        np.add.at(sums, pairs[:, 1], visual[pairs[:, 0]])
        return cls(sums, np.bincount(pairs[:, 1], minlength=n_tags))

    def search(self, x: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        return self.index.search(x, k) if self.index is not None else [[] for _ in range(len(x))]

    def cosine(self, x: np.ndarray, rows: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
        """cos(x[i], prototype[rows[i]]) for pairs; own[i] True removes x[i] from that prototype first."""
        s = self.sums[rows]                                                 # (n, d)
        if own is not None and own.any():
            s = s.copy()
            s[own] -= x[own]
        return (_unit(s) * _unit(x)).sum(1)

    def save(self, folder: Path) -> None:
        atomic_write(folder / "visual-prototypes.npz",
                     lambda tmp: np.savez_compressed(tmp, sums=self.sums, counts=self.counts))

    @classmethod
    def load(cls, folder: Path) -> "VisualPrototypes | None":
        f = folder / "visual-prototypes.npz"
        if not f.exists():
            return None
        d = np.load(f)
        return cls(d["sums"], d["counts"])


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-6)


def faiss_threads(n: int) -> None:
    """Share the 2 cores politely: FAISS would otherwise spin up one thread per core per search."""
    faiss.omp_set_num_threads(n)
