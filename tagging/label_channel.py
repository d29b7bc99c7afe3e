"""The learned label channel in recall: Omikuji and kNN fitted on the user's own labelled videos (labelmodel/).

Tags a text implies but never names (a theme, a genre, a collection) reach recall through it: the other
channels need the tag's name in the text, a product, a query, or the GNN space. It is fitted by rank-train on
the train side's labelled videos and saved in the ranker's folder; the ranker's training videos are scored
out of fold (labelmodel.oof), so the ranker learns how far the channel is to be trusted on new videos."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from labelmodel.model import LabelModel
from labelmodel.oof import out_of_fold
from tagging.candidates import Candidate

CHANNELS = ("omikuji", "knn_text", "knn_vector")
TOP_K = 20          # candidates per channel and video
# Out-of-fold folds for the ranker's training videos: each Omikuji fit costs minutes at 20k labelled videos, and
# 3 folds (fold models on 2/3 of the videos) need 2 full fits' work where 5 need 4; the scores stay out of fold.
OOF_FOLDS = 3
FOLDER = "label-model"
Predictions = list[dict[str, list[tuple[str, float]]]]   # per video: {channel: [(tag id, score)] best first}


def fit(ids: list[str], texts: list[str], label_sets: list[set[str]], vectors: np.ndarray,
        extra: list[tuple[str, str, np.ndarray]] = ()) -> tuple[LabelModel, Predictions, Predictions]:
    """(model on every (text, labels), out-of-fold predictions for those texts, and for `extra`).

    texts are the records' normalised texts, vectors (n, 512) their sentence vectors. extra holds
    (video id, text, vector) of other texts of the same videos (sparse copies): each is scored by the fold
    model that did not see its video."""
    model = LabelModel.fit(texts, label_sets, vectors)
    all_ids = list(ids) + [v for v, _, _ in extra]
    all_texts = list(texts) + [t for _, t, _ in extra]
    all_vecs = np.vstack([vectors] + [x[None] for _, _, x in extra]) if len(extra) else vectors
    # an extra text has no labels of its own, so it is only predicted, never fitted on
    oof = _per_video(out_of_fold(all_ids, all_texts, list(label_sets) + [set()] * len(extra), all_vecs,
                                 folds=OOF_FOLDS, top_k=TOP_K), len(all_ids))
    return model, oof[:len(ids)], oof[len(ids):]


def predict(model: LabelModel, texts: list[str], vectors: np.ndarray) -> Predictions:
    return _per_video(model.predict(texts, vectors, TOP_K), len(texts))


def candidates(pred: dict[str, list[tuple[str, float]]], row_of: dict[str, int]) -> list[Candidate]:
    """One video's predictions as recall candidates of the library's rows (tags since merged away are dropped)."""
    return [Candidate(row_of[t], channel, float(s), {"score": round(float(s), 4), "rank": i + 1})
            for channel, hits in pred.items() for i, (t, s) in enumerate(hits) if t in row_of]


def save(model: LabelModel, folder: Path) -> None:
    model.save(Path(folder) / FOLDER)


def load(folder: Path) -> LabelModel | None:
    return LabelModel.load(Path(folder) / FOLDER) if (Path(folder) / FOLDER).exists() else None


def _per_video(by_channel: dict[str, list[list[tuple[str, float]]]], n: int) -> Predictions:
    return [{c: rows[i] for c, rows in by_channel.items()} for i in range(n)]
