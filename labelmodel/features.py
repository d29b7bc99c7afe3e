"""TF-IDF over character 1-3-grams: no word segmentation, so it reads Chinese, latin and mixed text alike.

Texts must already be normalised by the caller with text.normalize.normalize (the project's one
normaliser: width, case, traditional -> simplified), the same way for training and prediction.
"""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def char_tfidf(ngram_min: int, ngram_max: int, min_df: int, max_features: int | None) -> TfidfVectorizer:
    """An unfitted vectorizer; its rows come out L2-normalised (float32), so a dot product is a cosine."""
    # lowercase=False: the caller's normaliser already folded case; sublinear tf keeps long ASR texts
    # from drowning the title's n-grams in repeats.
    return TfidfVectorizer(analyzer="char", ngram_range=(ngram_min, ngram_max), min_df=min_df,
                           max_features=max_features, sublinear_tf=True, lowercase=False, dtype=np.float32)
