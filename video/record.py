"""The input record of one video: text fields normalised once, products, clicked queries, media features."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from text.normalize import normalize

FIELDS = ("title", "summary", "asr", "ocr")
# Visual feature extractors tagkg knows, and the vector size each writes (media/ records the name).
VISUAL_MODELS = {"efficientnet-lite0": 1280}


class VisualError(ValueError):
    """A visual vector that does not fit: wrong size for its model or for the ranker, or not finite."""


@dataclass
class VideoRecord:
    """One video as every model sees it. Text is normalised (NFKC widths, case, spaces, traditional ->
    simplified) so the text matcher, the sentence encoder and the label model read the same characters."""

    id: str | None
    title: str = ""
    summary: str = ""
    asr: str = ""
    ocr: str = ""
    products: list[dict] = field(default_factory=list)        # {id, title, category}, text normalised
    queries: list[tuple[str, int]] = field(default_factory=list)  # (normalised query text, clicks)
    visual: list[float] | None = None                          # (visual_dim,) pooled keyframe features
    visual_model: str | None = None
    keyframe_hashes: list[str] = field(default_factory=list)
    # media/ingest.py: {index, t, ocr: [{text, box, conf}], classes: [[ImageNet class, p]]} per keyframe
    keyframes: list[dict] = field(default_factory=list)
    near_duplicates: list[tuple[str, float]] = field(default_factory=list)   # (video id, pHash distance)

    def fields(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS}

    def get(self, key: str, default=None):
        """Dict-style access, so the recall channels take records and plain field dicts alike."""
        return getattr(self, key, default)

    def text(self) -> str:
        """All text fields in one string (label model and n-gram features)."""
        return " ".join(t for t in (self.title, self.summary, self.asr, self.ocr) if t)


def check_visual(visual, model: str | None = None, dim: int | None = None, where: str = "visual") -> list[float] | None:
    """The vector as floats, or VisualError naming the problem; dim is what the reader expects (e.g. the
    ranker's input size), model the extractor that made it."""
    if visual is None or len(visual) == 0:
        return None
    vec = [float(x) for x in visual]
    if not all(math.isfinite(x) for x in vec):
        raise VisualError(f"{where}: contains NaN or infinity")
    want = VISUAL_MODELS.get(model) if model else None
    if want is not None and len(vec) != want:
        raise VisualError(f"{where}: {len(vec)} values, but {model} vectors have {want}")
    if dim and len(vec) != dim:
        raise VisualError(f"{where}: {len(vec)} values, but this model was trained on {dim}-d visual vectors")
    return vec


def _queries(raw) -> list[tuple[str, int]]:
    out = []
    for q in raw or ():
        text, count = (q.get("query") or q.get("text"), q.get("count", 1)) if isinstance(q, dict) else (q[0], q[1])
        text = normalize(text or "")
        if text:
            out.append((text, int(count or 1)))
    return out


def from_row(row: dict) -> VideoRecord:
    """A record from a stored video's row, an API payload or a JSONL line (loader field names)."""
    return VideoRecord(
        id=row.get("id"),
        **{f: normalize(row.get(f) or "") for f in FIELDS},
        products=[{"id": p.get("id"), "title": normalize(p.get("title") or ""),
                   "category": normalize(p.get("category") or "")} for p in row.get("products") or ()],
        queries=_queries(row.get("queries")),
        visual=check_visual(row.get("visual"), row.get("visual_model"), where=f"video {row.get('id') or ''} visual".strip()),
        visual_model=row.get("visual_model"),
        keyframe_hashes=list(row.get("keyframe_hashes") or ()),
        keyframes=[_keyframe(k) for k in row.get("keyframes") or ()],
        near_duplicates=[(str(v), float(d)) for v, d in row.get("near_duplicates") or ()])


def _keyframe(k: dict) -> dict:
    """A keyframe as stored (OCR lines and classes as JSON text on the node) or as given (lists)."""
    out = dict(k)
    for key in ("ocr", "classes"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out
