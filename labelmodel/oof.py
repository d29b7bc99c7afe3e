"""Out-of-fold label-channel scores for training videos, e.g. as ranker features.

A model's scores on its own training texts are over-confident (Omikuji has fitted them, a kNN finds
the text itself), so a ranker trained on them would trust the channel more than it deserves on new
videos. Each training video is scored instead by a model fitted on the other folds (split.fold_of).
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
from tqdm import tqdm

from labelmodel.model import LabelModel, LabelModelConfig, Predictions
from labelmodel.split import fold_of


def out_of_fold(ids: Sequence[str], texts: Sequence[str], label_sets: Sequence[Iterable[str]],
                vectors: np.ndarray | None = None, cfg: LabelModelConfig | None = None, folds: int = 5,
                top_k: int = 50, progress: bool = True) -> dict[str, Predictions]:
    """{channel: per training text, top_k (tag id, score) from the model of the folds it is not in}.
    Each fold fits a whole label model (minutes at 20k labelled videos): a bar counts the folds."""
    label_sets = [set(s) for s in label_sets]
    fold = np.array([fold_of(v, folds) for v in ids])
    out: dict[str, Predictions] = {}
    for f in tqdm(range(folds), desc="label model out of fold", unit="fold", disable=not progress):
        held, rest = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        if not len(held):
            continue
        model = LabelModel.fit([texts[i] for i in rest], [label_sets[i] for i in rest],
                               None if vectors is None else vectors[rest], cfg)
        preds = model.predict([texts[i] for i in held], None if vectors is None else vectors[held], top_k)
        for channel, rows in preds.items():
            col = out.setdefault(channel, [[] for _ in ids])
            for i, row in zip(held, rows):
                col[i] = row
    return out
