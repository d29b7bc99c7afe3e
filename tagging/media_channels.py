"""Recall from a video's media (media/ingest.py): zero-shot ImageNet classes of its keyframes mapped to
tags, tags of its near-duplicate videos, and the OCR line (frame, time) behind each OCR text hit.

Pure functions over the video record's keyframes and near-duplicate links; the class -> tag map comes
from the multilingual sentence encoder: cos(English class name, tag name), e.g. 'Egyptian cat' -> 猫 .66."""
from __future__ import annotations

import numpy as np

from tagging.candidates import Candidate
from text.normalize import normalize

ZS_MIN_PROB = 0.15      # a class must be at least this probable on a keyframe
ZS_MIN_COS = 0.5        # class name to tag name: below it the names only share a domain (rocket -> 跑鞋 .37)
ZS_TAGS_PER_CLASS = 3
NEAR_DUP_BITS = 64.0    # a pHash distance d lends a near duplicate's tags at weight 1 - d / 64


class ClassTags:
    """ImageNet class name -> [(library row, cosine)], encoded on first sight and kept."""

    def __init__(self, encode, tag_index):
        self.encode, self.tag_index = encode, tag_index       # encode(list[str]) -> (n, d) unit vectors
        self.cache: dict[str, list[tuple[int, float]]] = {}

    def of(self, names: list[str]) -> dict[str, list[tuple[int, float]]]:
        new = sorted({n for n in names if n not in self.cache})
        if new:
            hits = self.tag_index.search(np.asarray(self.encode(new), np.float32), ZS_TAGS_PER_CLASS)
            for n, h in zip(new, hits):
                self.cache[n] = [(r, c) for r, c in h if c >= ZS_MIN_COS]
        return {n: self.cache[n] for n in names}


def zeroshot(keyframes: list[dict], class_tags: dict[str, list[tuple[int, float]]]) -> list[Candidate]:
    """Tags named by keyframes' ImageNet classes: score = class probability x name cosine; evidence names
    the class, the frame and its time."""
    out = []
    for k in keyframes:
        for name, prob in k.get("classes") or ():
            if prob < ZS_MIN_PROB:
                continue
            for row, cos in class_tags.get(name, ()):
                out.append(Candidate(row, "zeroshot", float(prob) * float(cos),
                                     {"class": name, "prob": round(float(prob), 4), "cos": round(float(cos), 4),
                                      "frame": k.get("index"), "t": k.get("t")}))
    return out


def class_names(keyframes: list[dict]) -> list[str]:
    return [name for k in keyframes for name, prob in k.get("classes") or () if prob >= ZS_MIN_PROB]


def near_duplicates(dups: list[tuple[str, float]], tags_of: dict[str, list[tuple[int, float]]]) -> list[Candidate]:
    """The lendable tags of near-duplicate videos (pHash distance of their keyframes), evidence the video
    and distance."""
    out = []
    for vid, dist in dups:
        closeness = max(0.0, 1.0 - float(dist) / NEAR_DUP_BITS)
        for row, w in tags_of.get(vid, ()):
            out.append(Candidate(row, "neardup", closeness * w, {"video": vid, "distance": dist}))
    return out


def attach_ocr_lines(candidates: list[Candidate], keyframes: list[dict]) -> None:
    """Give each text hit found in the OCR field the OCR line it was read from: text, frame, time."""
    lines = [(normalize(line["text"]), line["text"], k.get("index"), k.get("t"))
             for k in keyframes for line in k.get("ocr") or ()]
    if not lines:
        return
    for c in candidates:
        if c.channel != "text" or "ocr" not in c.evidence.get("fields", ()):
            continue
        parts = c.evidence.get("surface", "").split("+")
        for norm, raw, frame, t in lines:
            if all(p and p in norm for p in parts):
                c.evidence["ocr_line"] = {"text": raw, "frame": frame, "t": t}
                break
