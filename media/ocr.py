"""On-screen text: PP-OCRv4 (rapidocr-onnxruntime, ONNX models inside the wheel) per keyframe, then merging.

A subtitle or caption shown across several keyframes is read several times, often with a character
or two differing; merge_lines keeps one copy, so the video's `ocr` text says each line once."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

MIN_CONF = 0.6          # PP-OCR's own score; below it a line is mostly noise on textured backgrounds
SAME_LINE = 0.8         # difflib ratio above which two reads are one line
DET_SIDE = 960          # detection input's longer side: 720p text stays legible, and full 1280x720
#                         frames took 1.5x the detection time (13 keyframes, one thread)


@dataclass
class OcrLine:
    text: str
    box: list[list[int]]        # four corner points (x, y) in the keyframe's pixels
    conf: float


@dataclass
class MergedLine:
    text: str
    t: float                    # first time seen (s)
    frames: list[int] = field(default_factory=list)   # keyframe indexes it was read on
    conf: float = 0.0


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR
    # No angle classifier: video text is upright, and it costs a third of the time. One thread per session:
    # on the shared 2-core machine a 720p frame took 1.8 s with one and 4.0 s with the default (load average
    # 10). The thread settings must be given per model (det_/rec_): the engine's global ones never reach
    # the ONNX sessions. Its own detection resize only ever upscales in "min" mode and picks 1500 for any
    # 960-1500 px frame in "max" mode, so read() scales the frame itself and the engine is told not to.
    threads = {f"{m}_{k}": 1 for m in ("det", "rec") for k in ("intra_op_num_threads", "inter_op_num_threads")}
    return RapidOCR(det_limit_side_len=32, det_limit_type="min", use_cls=False, **threads)


def read(rgb: np.ndarray) -> list[OcrLine]:
    """Text lines of one RGB image, top to bottom, with boxes (in rgb's pixels) and confidences."""
    h, w = rgb.shape[:2]
    scale = min(1.0, DET_SIDE / max(h, w))
    if scale < 1.0:
        # multiples of 32: the detector's strides; INTER_AREA keeps thin strokes of small text
        rgb = cv2.resize(rgb, (max(32, int(w * scale) // 32 * 32), max(32, int(h * scale) // 32 * 32)),
                         interpolation=cv2.INTER_AREA)
    sx, sy = w / rgb.shape[1], h / rgb.shape[0]
    result, _ = _engine()(np.ascontiguousarray(rgb[:, :, ::-1]), use_cls=False)   # the engine expects BGR
    out = []
    for box, text, conf in result or []:
        text = clean(text)
        if text and float(conf) >= MIN_CONF:
            out.append(OcrLine(text, [[int(round(x * sx)), int(round(y * sy))] for x, y in box], round(float(conf), 4)))
    return sorted(out, key=lambda line: (line.box[0][1], line.box[0][0]))


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def merge_lines(frames: list[tuple[float, list[OcrLine]]]) -> list[MergedLine]:
    """One MergedLine per distinct text across keyframes (time order), near-identical reads folded together."""
    merged: list[MergedLine] = []
    for i, (t, lines) in enumerate(frames):
        for line in lines:
            key = line.text.replace(" ", "")
            for m in merged:
                if difflib.SequenceMatcher(None, m.text.replace(" ", ""), key).ratio() >= SAME_LINE:
                    if line.conf > m.conf:          # keep the most confident reading
                        m.text, m.conf = line.text, line.conf
                    if i not in m.frames:
                        m.frames.append(i)
                    break
            else:
                merged.append(MergedLine(line.text, t, [i], line.conf))
    return merged


def ocr_text(merged: list[MergedLine]) -> str:
    """The video's `ocr` field: each distinct line once, in order of first appearance."""
    return "\n".join(m.text for m in merged)
