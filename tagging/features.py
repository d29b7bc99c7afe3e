"""Per-(video, candidate) recall features read from the merged channels' scores and evidence, plus pair cosines."""
from __future__ import annotations

import math

import numpy as np

from tagging.candidates import Merged
from tagging.channels import FIELDS

FEATURES = (
    "text", "text_name", "text_alias", "text_components", "text_title", "text_ocr", "text_summary", "text_asr",
    "text_count", "text_aligned", "text_inside",
    "product", "product_category",
    "query", "query_clicks", "query_exact", "query_contains", "query_embedding",
    "crossmodal", "crossmodal_rrank", "similar", "similar_n", "visual", "zeroshot", "neardup",
    "omikuji", "omikuji_rrank", "knn_text", "knn_vector",
    "n_channels", "is_phrase", "name_len", "prior",
    "ctx_fields", "ctx_products", "ctx_queries",
    "cos_text", "cos_gnn", "cos_visual", "has_visual",
)
# What the video payload carries, the same for all its candidates: a tag named only in the title means less
# in a fully described video than in an ad-hoc call that sends only a title.
CONTEXT = ("ctx_fields", "ctx_products", "ctx_queries")
COSINES = ("cos_text", "cos_gnn", "cos_visual", "has_visual")   # filled in by the Tagger, batched
INDEX = {f: i for i, f in enumerate(FEATURES)}
TEXT_SCALE = 2.8      # a tag named in all four fields scores 1.0 + 0.6 + 0.4 + 0.8
# Recall-only score (no model): how much each channel's raw score counts; see recall_score.
RECALL_WEIGHTS = {"text": 2.0, "text_title": 0.7, "text_inside": -1.0, "product": 0.6, "query": 2.0,
                  "crossmodal": 1.0, "similar": 1.5, "visual": 0.5, "zeroshot": 3.5, "neardup": 1.5, "n_channels": 1.5,
                  "omikuji": 1.0, "knn_text": 1.0, "knn_vector": 1.0}
RECALL_BIAS = -2.5
# n_channels is divided by the six channels tagkg began with, so adding the media channels
# (tagging/media_channels.py) left every recall-only score of a video without media as it was
N_CHANNELS_SCALE = 6


def context(video: dict) -> list[float]:
    """The CONTEXT features of one payload: share of summary/ASR/OCR given, products given, queries given."""
    return [sum(bool(video.get(f)) for f in FIELDS[1:]) / len(FIELDS[1:]),
            float(bool(video.get("products"))), float(bool(video.get("queries")))]


def features(merged: list[Merged], is_phrase: np.ndarray, name_len: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """(len(merged), len(FEATURES)) float32; the CONTEXT and COSINES columns are left at zero for the caller."""
    x = np.zeros((len(merged), len(FEATURES)), np.float32)
    for i, m in enumerate(merged):
        row = x[i]
        s, ev = m.scores, m.evidence
        if "text" in s:
            e = ev["text"][0]
            row[INDEX["text"]] = s["text"] / TEXT_SCALE
            row[INDEX["text_" + e["via"]]] = 1
            for f in e["fields"]:
                row[INDEX["text_" + f]] = 1
            row[INDEX["text_count"]] = math.log1p(e["count"])
            row[INDEX["text_aligned"]] = e["aligned"]
            row[INDEX["text_inside"]] = e["inside"]
        if "product" in s:
            row[INDEX["product"]] = s["product"]
            row[INDEX["product_category"]] = "category" in ev["product"][0]["in"]
        if "query" in s:
            e = ev["query"][0]
            row[INDEX["query"]] = s["query"]
            row[INDEX["query_clicks"]] = math.log1p(e["clicks"]) / 5
            for via in e["via"]:
                row[INDEX["query_" + ("exact" if via == "alias" else via)]] = 1
        if "crossmodal" in s:
            row[INDEX["crossmodal"]] = s["crossmodal"]
            row[INDEX["crossmodal_rrank"]] = 1 / ev["crossmodal"][0]["rank"]
        if "similar" in s:
            row[INDEX["similar"]] = s["similar"]
            row[INDEX["similar_n"]] = ev["similar"][0]["n"] / 10
        if "visual" in s:
            row[INDEX["visual"]] = s["visual"]
        for media in ("zeroshot", "neardup"):      # tagging/media_channels.py
            if media in s:
                row[INDEX[media]] = s[media]
        for learned in ("omikuji", "knn_text", "knn_vector"):   # tagging/label_channel.py
            if learned in s:
                row[INDEX[learned]] = s[learned]
        if "omikuji" in s:
            row[INDEX["omikuji_rrank"]] = 1 / ev["omikuji"][0]["rank"]
        row[INDEX["n_channels"]] = len(s) / N_CHANNELS_SCALE
        row[INDEX["is_phrase"]] = is_phrase[m.row]
        row[INDEX["name_len"]] = name_len[m.row] / 10
        row[INDEX["prior"]] = prior[m.row]
    return x


def recall_score(x: np.ndarray) -> np.ndarray:
    """Relevance without the ranking model: a fixed logistic blend of the channels' raw scores, (n,) in (0, 1)."""
    z = RECALL_BIAS + sum(w * x[:, INDEX[f]] for f, w in RECALL_WEIGHTS.items())
    return 1 / (1 + np.exp(-z))
