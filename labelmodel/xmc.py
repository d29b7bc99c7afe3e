"""Omikuji (Parabel-style partitioned label trees) over sparse features: an extreme multi-label classifier.

Omikuji trains from a file in the Extreme Classification Repository format, so fit writes one to a
temporary folder: a header "n_rows n_features n_labels", then per row "l1,l2 f:v f:v" (0-based).
Rows without labels carry no signal for it and are left out of training.

Omikuji logs to the process's stdout and draws progress bars on stderr, which would corrupt a CLI's
JSON output, so its calls run with both file descriptors sent to a log file (shown if a call fails).
Its tree clustering starts from an unseeded random state, so two fits on the same data differ a little;
and it loads a model's trees in parallel, in no fixed order, so a reloaded model ranks the same tags
while its scores (averages over trees) may differ in the last float32 bits.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import omikuji
import scipy.sparse as sp


@dataclass(frozen=True)
class TreeParams:
    """Omikuji's hyper-parameters that tagkg sets; the rest keep Omikuji's (Parabel) defaults."""

    # 2 trees, not Parabel's 3: on the 20k demo's labelled videos (8,979 training texts, 1,021 validation)
    # validation R@5 was .5171 with 2 trees, .5172 with 3 and .5092 with 1, the fit 137 s vs 182 s vs 67 s
    n_trees: int = 2
    max_depth: int = 20
    min_branch_size: int = 100   # a tree node with fewer labels becomes a leaf
    cluster_k: int = 2           # 2 = Parabel's balanced binary splits
    linear_c: float = 1.0
    beam_size: int = 10          # tree nodes kept per level when predicting
    n_threads: int = 0           # 0 = all cores


def _write_data(path: Path, x: sp.csr_matrix, y: sp.csr_matrix) -> int:
    keep = np.flatnonzero(np.diff(y.indptr) > 0)
    with open(path, "w", encoding="ascii") as f:
        f.write(f"{len(keep)} {x.shape[1]} {y.shape[1]}\n")
        for i in keep:
            labels = ",".join(map(str, y.indices[y.indptr[i]:y.indptr[i + 1]]))
            lo, hi = x.indptr[i], x.indptr[i + 1]
            feats = " ".join(f"{j}:{v:.6g}" for j, v in zip(x.indices[lo:hi], x.data[lo:hi]))
            f.write(f"{labels} {feats}\n")
    return len(keep)


@contextlib.contextmanager
def _quiet(log_path: Path):
    """Send fds 1 and 2 to log_path while Omikuji runs; on an error, add the log's tail to it."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(log_path, "ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield
        except Exception as e:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"{e}\nOmikuji's log:\n{tail}") from e
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


class OmikujiClassifier:
    def __init__(self, params: TreeParams):
        self.params = params
        self.model: omikuji.Model | None = None

    def fit(self, x: sp.csr_matrix, y: sp.csr_matrix) -> "OmikujiClassifier":
        """x (n, n_features) sparse features, y (n, n_tags) binary labels."""
        x, y = sp.csr_matrix(x), sp.csr_matrix(y)
        x.sort_indices()
        y.sort_indices()
        hp = omikuji.Model.default_hyper_param()
        p = self.params
        hp.n_trees, hp.max_depth, hp.min_branch_size = p.n_trees, p.max_depth, p.min_branch_size
        hp.cluster_k, hp.linear_c = p.cluster_k, p.linear_c
        with tempfile.TemporaryDirectory(prefix="tagkg-omikuji-") as tmp:
            data = Path(tmp) / "train.txt"
            if not _write_data(data, x, y):
                raise ValueError("Omikuji needs at least one training text with a label")
            with _quiet(Path(tmp) / "log.txt"):
                self.model = omikuji.Model.train_on_data(str(data), hp, n_threads=p.n_threads or None)
        return self

    def predict(self, x: sp.csr_matrix, top_k: int) -> list[list[tuple[int, float]]]:
        """Per row, up to top_k (tag column, score) best first; scores are Omikuji's path probabilities."""
        x = sp.csr_matrix(x)
        x.sort_indices()
        out = []
        for i in range(x.shape[0]):
            lo, hi = x.indptr[i], x.indptr[i + 1]
            pairs = [(int(j), float(v)) for j, v in zip(x.indices[lo:hi], x.data[lo:hi])]
            hits = self.model.predict(pairs, beam_size=self.params.beam_size, top_k=top_k) if pairs else []
            out.append([(int(j), float(s)) for j, s in hits if s > 0])
        return out

    def save(self, folder: Path) -> None:
        """Into an empty `folder` (Omikuji would add its trees to a model already there)."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with tempfile.TemporaryDirectory(prefix="tagkg-omikuji-") as tmp, _quiet(Path(tmp) / "log.txt"):
            self.model.save(str(folder))

    @classmethod
    def load(cls, folder: Path, params: TreeParams) -> "OmikujiClassifier":
        clf = cls(params)
        with tempfile.TemporaryDirectory(prefix="tagkg-omikuji-") as tmp, _quiet(Path(tmp) / "log.txt"):
            clf.model = omikuji.Model.load(str(folder))
        return clf
