"""The vectors of a video: text (sentence encoder over its clauses), visual, and the GNN's node input."""
from __future__ import annotations

import re

import numpy as np

from text.normalize import normalize
from video.encode import DIM, TextEncoder
from video.record import FIELDS, VideoRecord

ASR_CHARS = 256       # ASR is long and repetitive; its head carries the topic
_CLAUSE = re.compile(r"[。，、！？!?,.;；:：｜|#\s]+")


def clauses(text: str) -> list[str]:
    """Split a text at punctuation and spaces: short clauses repeat across videos, so the cache hits."""
    return [c for c in _CLAUSE.split(text) if c]


def text_vectors(encoder: TextEncoder, records: list[VideoRecord], progress: bool = False) -> np.ndarray:
    """(n, 512) unit vectors: mean over fields (title, summary, ASR head, OCR) of each field's mean clause vector."""
    per_video = [[clauses(r.asr[:ASR_CHARS] if f == "asr" else getattr(r, f)) for f in FIELDS] for r in records]
    # sorted by length: the encoder pads a batch to its longest text
    unique = sorted({c for fs in per_video for f in fs for c in f}, key=lambda c: (len(c), c))
    vecs = encoder.encode(unique, progress=progress, desc="encode video clauses") if unique \
        else np.zeros((0, DIM), np.float32)                                        # (n_clauses, 512)
    row = {c: i for i, c in enumerate(unique)}
    out = np.zeros((len(records), DIM), np.float32)
    for i, fs in enumerate(per_video):
        for f in fs:
            if f:
                out[i] += vecs[[row[c] for c in f]].mean(0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)


def visual_matrix(records: list[VideoRecord], dim: int | None = None) -> tuple[np.ndarray | None, np.ndarray]:
    """((n, dim) float32 with zero rows where a video has none, (n,) bool has-visual); (None, all False) when
    no record has one and dim is not given. Sizes were checked when the records were made."""
    has = np.array([r.visual is not None for r in records], bool)
    dim = dim or next((len(r.visual) for r in records if r.visual is not None), 0)
    if not dim:
        return None, has
    out = np.zeros((len(records), dim), np.float32)
    for i, r in enumerate(records):
        if r.visual is not None:
            out[i] = r.visual
    return out, has


def node_input(text: np.ndarray, visual: np.ndarray | None) -> np.ndarray:
    """(n, 512 [+ visual_dim]) GNN video-node input: the text vector, the visual vector appended when present."""
    return np.ascontiguousarray(text if visual is None else np.hstack([text, visual]), np.float32)


def short_text_vectors(encoder: TextEncoder, texts: list[str], progress: bool = False, desc: str = "encode") -> np.ndarray:
    """(n, 512) unit vectors of tag names or query texts, normalised as video text is."""
    return encoder.encode([normalize(t) for t in texts], progress=progress, desc=desc) if texts \
        else np.zeros((0, DIM), np.float32)
