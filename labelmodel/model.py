"""The learned label channel: Omikuji and two kNNs fitted on the same labelled training videos.

Channels (each a ranked list of (tag id, score) per text, best first):
  omikuji     Omikuji over TF-IDF char 1-3-grams
  knn_text    kNN (cosine, k=30) over the same TF-IDF rows
  knn_vector  kNN (cosine, k=30) over sentence vectors the caller passes (fit and predict alike);
              absent when fit got no vectors
Texts are normalised by the caller (text.normalize.normalize). The model folder holds config.json
(the LabelModelConfig, the version, the tag columns), vectorizer.pkl, omikuji/ and the kNN rows.
"""
from __future__ import annotations

import hashlib
import json
import pickle
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from labelmodel.features import char_tfidf
from labelmodel.knn import KnnClassifier
from labelmodel.labelspace import label_matrix
from labelmodel.xmc import OmikujiClassifier, TreeParams

FORMAT = 1  # bump when the folder layout changes; load refuses other formats
Predictions = list[list[tuple[str, float]]]  # per text: (tag id, score), best first


@dataclass(frozen=True)
class LabelModelConfig:
    ngram_min: int = 1
    ngram_max: int = 3
    min_df: int = 2                       # an n-gram of a single training text says nothing about others
    max_features: int | None = 1_000_000  # caps the vocabulary (and Omikuji's weights) on big corpora
    knn_k: int = 30
    trees: TreeParams = field(default_factory=TreeParams)

    def key(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]

    @classmethod
    def from_dict(cls, d: dict) -> "LabelModelConfig":
        return cls(**{**d, "trees": TreeParams(**d["trees"])})


def training_fingerprint(texts: Sequence[str], label_sets: Sequence[Iterable[str]]) -> str:
    """A digest of the (text, labels) rows a model is fitted on, in any order; rows without labels do not count
    (fit leaves them out). Two fits with the same fingerprint saw the same data."""
    rows = sorted(json.dumps([t, sorted(s)], ensure_ascii=False) for t, s in zip(texts, label_sets) if s)
    return hashlib.sha1("\n".join(rows).encode()).hexdigest()


class LabelModel:
    def __init__(self, cfg: LabelModelConfig, version: str, tags: list[str], vectorizer,
                 omikuji: OmikujiClassifier, knn_text: KnnClassifier, knn_vector: KnnClassifier | None,
                 fingerprint: str | None = None):
        self.cfg, self.version, self.tags, self.fingerprint = cfg, version, tags, fingerprint
        self.vectorizer, self.omikuji, self.knn_text, self.knn_vector = vectorizer, omikuji, knn_text, knn_vector

    @property
    def channels(self) -> tuple[str, ...]:
        return ("omikuji", "knn_text") + (("knn_vector",) if self.knn_vector is not None else ())

    @classmethod
    def fit(cls, texts: Sequence[str], label_sets: Sequence[Iterable[str]], vectors: np.ndarray | None = None,
            cfg: LabelModelConfig | None = None) -> "LabelModel":
        """texts: n normalised training texts; label_sets: their n tag-id sets; vectors: (n, d) or None.
        Texts with an empty label set are left out."""
        cfg = cfg or LabelModelConfig()
        if len(texts) != len(label_sets) or (vectors is not None and len(vectors) != len(texts)):
            raise ValueError(f"{len(texts)} texts, {len(label_sets)} label sets"
                             + ("" if vectors is None else f", {len(vectors)} vectors") + ": lengths differ")
        # a text without labels would only dilute its kNN neighbourhoods; Omikuji skips it anyway
        label_sets = [set(s) for s in label_sets]
        keep = [i for i, s in enumerate(label_sets) if s]
        texts, label_sets = [texts[i] for i in keep], [label_sets[i] for i in keep]
        vectors = None if vectors is None else np.asarray(vectors)[keep]
        tags, y = label_matrix(label_sets)
        if not tags:
            raise ValueError("the label model needs training texts with at least one label")
        vectorizer = char_tfidf(cfg.ngram_min, cfg.ngram_max, min(cfg.min_df, len(texts)), cfg.max_features)
        x = vectorizer.fit_transform(texts)                       # (n, n_features) csr, unit rows
        omikuji = OmikujiClassifier(cfg.trees).fit(x, y)
        knn_text = KnnClassifier(cfg.knn_k).fit(x, y)
        knn_vector = KnnClassifier(cfg.knn_k).fit(vectors, y) if vectors is not None else None
        version = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + cfg.key()
        return cls(cfg, version, tags, vectorizer, omikuji, knn_text, knn_vector,
                   training_fingerprint(texts, label_sets))

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None, top_k: int = 50,
                channels: Sequence[str] | None = None) -> dict[str, Predictions]:
        """{channel: per text up to top_k (tag id, score) best first}, for `channels` (default all of the model's).

        vectors (n, d) feed knn_vector and are required when it is asked for. Scores of the model's own
        training texts are over-confident: use oof.out_of_fold for those (e.g. as ranker features)."""
        channels = self.channels if channels is None else tuple(channels)
        unknown = set(channels) - set(self.channels)
        if unknown:
            raise ValueError(f"this label model has no channels {sorted(unknown)}; it has {self.channels}")
        if "knn_vector" in channels and vectors is None:
            raise ValueError("this label model has a knn_vector channel: pass the texts' sentence vectors")
        x = self.vectorizer.transform(texts)
        cols = {}
        if "omikuji" in channels:
            cols["omikuji"] = self.omikuji.predict(x, top_k)
        if "knn_text" in channels:
            cols["knn_text"] = self.knn_text.predict(x, top_k)
        if "knn_vector" in channels:
            cols["knn_vector"] = self.knn_vector.predict(vectors, top_k)
        return {name: [[(self.tags[j], s) for j, s in row] for row in rows] for name, rows in cols.items()}

    def save(self, folder: Path | str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps(
            {"format": FORMAT, "version": self.version, "config": asdict(self.cfg), "tags": self.tags,
             "knn_vector": self.knn_vector is not None, "fingerprint": self.fingerprint}, ensure_ascii=False), encoding="utf-8")
        with open(folder / "vectorizer.pkl", "wb") as f:
            pickle.dump(self.vectorizer, f)
        self.omikuji.save(folder / "omikuji")
        sp.save_npz(folder / "labels.npz", self.knn_text.y)
        sp.save_npz(folder / "knn_text.npz", self.knn_text.items)
        if self.knn_vector is not None:
            np.save(folder / "knn_vector.npy", self.knn_vector.items)
        return folder

    @classmethod
    def load(cls, folder: Path | str) -> "LabelModel":
        folder = Path(folder)
        meta = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: label model format {meta.get('format')}, this code reads {FORMAT}; "
                             f"retrain it")
        cfg = LabelModelConfig.from_dict(meta["config"])
        with open(folder / "vectorizer.pkl", "rb") as f:
            vectorizer = pickle.load(f)  # our own file, written by save above
        y = sp.load_npz(folder / "labels.npz").tocsr()
        knn_text = KnnClassifier(cfg.knn_k)
        knn_text.items, knn_text.y = sp.load_npz(folder / "knn_text.npz").tocsr(), y
        knn_vector = None
        if meta["knn_vector"]:
            knn_vector = KnnClassifier(cfg.knn_k)
            knn_vector.items, knn_vector.y = np.load(folder / "knn_vector.npy"), y
        omikuji = OmikujiClassifier.load(folder / "omikuji", cfg.trees)
        return cls(cfg, meta["version"], meta["tags"], vectorizer, omikuji, knn_text, knn_vector,
                   meta.get("fingerprint"))
