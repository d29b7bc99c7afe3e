"""On-screen text: PP-OCRv4 (rapidocr-onnxruntime, ONNX models inside the wheel) per keyframe, then merging.

A subtitle or caption shown across several keyframes is read several times, often with a character
or two differing; merge_lines keeps one copy, so the video's `ocr` text says each line once."""
from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

MIN_CONF = 0.6          # PP-OCR's own score; below it a line is mostly noise on textured backgrounds
SAME_LINE = 0.8         # difflib ratio above which two reads are one line
DET_SIDE = 640          # detection input's longer side. Lines are recognised on crops of the full frame, so
#                         detection only has to find them: at 640, 18-32 px lines on 720p photos were found as at
#                         960 (at 512, 18-22 px lines were lost); the bench clips' 66 keyframes read the same but
#                         for 3 frames, all closer to the rendered text; detection took 0.37 of 960's time


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


# One recognition at a time in a process: on the 2-core bench machine two threads running the one-thread ONNX
# sessions at once took 3.7 s for what one thread did in 2.7 s in turn (and held a second set of buffers), so
# ingest workers overlap OCR with the other stages of other files (decoding, the CNN, writes) instead.
_RUN = threading.Lock()


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR
    # No angle classifier: video text is upright, and it costs a third of the time. One thread per session:
    # on the shared 2-core machine a 720p frame took 1.8 s with one and 4.0 s with the default (load average
    # 10). The thread settings must be given per model (det_/rec_): the engine's global ones never reach
    # the ONNX sessions. Its own detection resize only ever upscales in "min" mode and picks 1500 for any
    # 960-1500 px frame in "max" mode, so _detect() scales the frame itself and the engine is told not to.
    threads = {f"{m}_{k}": 1 for m in ("det", "rec") for k in ("intra_op_num_threads", "inter_op_num_threads")}
    return RapidOCR(det_limit_side_len=32, det_limit_type="min", use_cls=False, **threads)


def read_frames(frames: list[np.ndarray]) -> list[list[OcrLine]]:
    """Text lines of each RGB frame, top to bottom, with boxes (in the frame's pixels) and confidences.
    Lines are found frame by frame, then all frames' lines recognised together: the recogniser pads each
    batch to its widest line, and lines sorted by width across frames (titles with titles) need less."""
    engine = _engine()
    with _RUN:
        found = _read(engine, frames)
    return [sorted(lines, key=lambda line: (line.box[0][1], line.box[0][0])) for lines in found]


def _read(engine, frames: list[np.ndarray]) -> list[list[OcrLine]]:
    crops, where = [], []
    for i, rgb in enumerate(frames):
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])    # the engine expects BGR
        boxes = _detect(engine, bgr)
        crops += engine.get_crop_img_list(bgr, boxes)
        where += [(i, box) for box in boxes]
    out: list[list[OcrLine]] = [[] for _ in frames]
    for (i, box), (text, conf, *_) in zip(where, engine.text_rec(crops)[0] if crops else []):
        text = clean(text)
        if text and float(conf) >= MIN_CONF:
            out[i].append(OcrLine(text, [[int(round(x)), int(round(y))] for x, y in box], round(float(conf), 4)))
    return out


def _detect(engine, bgr: np.ndarray) -> list[np.ndarray]:
    """Text boxes (4 corner points, float32, in bgr's pixels) found on a copy scaled to DET_SIDE."""
    h, w = bgr.shape[:2]
    scale = min(1.0, DET_SIDE / max(h, w))
    small = bgr
    if scale < 1.0:
        # multiples of 32: the detector's strides; INTER_AREA keeps thin strokes of small text
        small = cv2.resize(bgr, (max(32, int(w * scale) // 32 * 32), max(32, int(h * scale) // 32 * 32)),
                           interpolation=cv2.INTER_AREA)
    boxes, _ = engine.text_det(small)
    if boxes is None or len(boxes) == 0:
        return []
    to_frame = np.array([w / small.shape[1], h / small.shape[0]], np.float32)
    return [np.clip(box * to_frame, 0, [w, h]).astype(np.float32) for box in engine.sorted_boxes(boxes)]


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
