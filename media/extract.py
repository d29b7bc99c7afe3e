"""One media file -> a MediaRecord: probe, keyframes, OCR, subtitles, visual features, hashes; timed per stage."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from PIL import Image, UnidentifiedImageError

from media import hashes, ocr, subtitles, visual
from media.keyframes import Keyframe, extract_keyframes, resolve_scan
from media.limits import Limits, MediaError
from media.probe import Probe, probe

# No Python log callback: with one (even at FATAL), a decode error inside FFmpeg's frame threads left the
# next file's decode deadlocked (measured: corrupt file, then a good one). A file's reject line says what matters.
av.logging.set_level(None)


@dataclass
class FrameInfo:
    index: int
    t: float
    cover: bool
    cut: float
    phash: str
    ocr: list[ocr.OcrLine]
    classes: list[list]            # [[ImageNet class, probability], ...] best first
    rgb: np.ndarray                # kept for the thumbnail, dropped once written


@dataclass
class MediaRecord:
    path: str
    kind: str                      # 'video' | 'frames' | 'image'
    title: str
    duration_s: float
    width: int
    height: int
    codec: str
    scan: str                      # how keyframes were found: 'keyframes', 'all', 'frames'
    frames: list[FrameInfo]
    ocr_lines: list[ocr.MergedLine]
    asr: str
    asr_source: str                # 'subtitle-stream', 'sidecar:<name>', 'plugin:<name>', ''
    visual: list[float]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ocr_text(self) -> str:
        return ocr.ocr_text(self.ocr_lines)


class Timer:
    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0


def extract(path: Path, limits: Limits, *, use_ocr: bool = True, cover: Path | None = None,
            asr_plugin=None, scan: str = "auto", threads: int = 0) -> MediaRecord:
    """Everything tagkg reads from one video file; MediaError(stage, reason) when a stage cannot go on.
    threads: decoder threads (0: FFmpeg's choice)."""
    path = Path(path)
    timer = Timer()
    with timer.stage("decode"):
        p = probe(path, limits)
        scan = resolve_scan(str(path), p.duration_s, limits, scan)     # recorded: which scan this file got
        kfs = extract_keyframes(str(path), p.duration_s, limits, scan, threads)
        if cover is not None:
            kfs = [Keyframe(0.0, _image(cover, limits), cover=True)] + [k for k in kfs if not k.cover][: limits.max_keyframes - 1]
        if not kfs:
            raise MediaError("keyframes", "no keyframe could be chosen")
    with timer.stage("subtitles"):
        asr, source = _subtitles(path, p, limits)
        if not asr and asr_plugin is not None:
            asr, source = asr_plugin.transcribe(path)[: limits.max_subtitle_chars], f"plugin:{asr_plugin.name}"
    return _finish(str(path), "video", p.title or path.stem, p, kfs, scan, asr, source, use_ocr, timer)


def extract_images(paths: list[Path], limits: Limits, *, title: str, use_ocr: bool = True) -> MediaRecord:
    """A cover image or a folder of frames (name order, one a second) as a video without a stream."""
    timer = Timer()
    with timer.stage("decode"):
        if len(paths) > limits.max_frames_in_folder:
            step = len(paths) / limits.max_frames_in_folder
            paths = [paths[int(i * step)] for i in range(limits.max_frames_in_folder)]
        images = [_image(f, limits) for f in paths]
        h, w = images[0].shape[:2]
        pick = np.unique(np.linspace(0, len(images) - 1, min(len(images), limits.max_keyframes)).round().astype(int))
        kfs = [Keyframe(float(i), images[i], cover=(j == 0)) for j, i in enumerate(pick)]
    p = Probe(str(paths[0]), float(len(images)), w, h, "image", 1.0, False)
    kind = "image" if len(paths) == 1 else "frames"
    return _finish(str(paths[0].parent if kind == "frames" else paths[0]), kind, title, p, kfs, "frames", "", "",
                   use_ocr, timer)


def _finish(path, kind, title, p: Probe, kfs: list[Keyframe], scan, asr, source, use_ocr, timer: Timer) -> MediaRecord:
    with timer.stage("ocr"):
        lines = ocr.read_frames([k.rgb for k in kfs]) if use_ocr else [[] for _ in kfs]
        merged = ocr.merge_lines([(k.t, ls) for k, ls in zip(kfs, lines)])
    with timer.stage("visual"):
        feats, probs = visual.embed([k.rgb for k in kfs])
        classes = visual.top_classes(probs)
        vec = visual.pool(feats)
    with timer.stage("hash"):
        frames = [FrameInfo(i, round(k.t, 3), k.cover, round(k.cut, 4), hashes.phash(k.rgb), ls, cl, k.rgb)
                  for i, (k, ls, cl) in enumerate(zip(kfs, lines, classes))]
    return MediaRecord(path, kind, title, round(p.duration_s, 3), p.width, p.height, p.codec, scan, frames, merged,
                       asr, source, vec, timer.seconds)


def _subtitles(path: Path, p: Probe, limits: Limits) -> tuple[str, str]:
    side = subtitles.sidecar(path)
    if side is not None:
        return subtitles.cues_text(subtitles.read_sidecar(side), limits.max_subtitle_chars), f"sidecar:{side.name}"
    if p.subtitle_streams:
        try:
            cues = subtitles.stream_cues(str(path))
        except av.error.FFmpegError as e:
            raise MediaError("subtitles", f"subtitle stream unreadable ({e})") from None
        if cues:
            return subtitles.cues_text(cues, limits.max_subtitle_chars), "subtitle-stream"
    return "", ""


def _image(path: Path, limits: Limits) -> np.ndarray:
    try:
        with Image.open(path) as im:
            w, h = im.size
            if min(w, h) < limits.min_side or max(w, h) > limits.max_side * 2:
                raise MediaError("probe", f"{Path(path).name}: image {w}x{h} is outside the size limits")
            im = im.convert("RGB")
            scale = min(1.0, limits.analysis_side / min(w, h))
            if scale < 1:
                im = im.resize((max(2, int(w * scale)), max(2, int(h * scale))), Image.BILINEAR)
            return np.asarray(im)
    except (UnidentifiedImageError, OSError) as e:
        raise MediaError("probe", f"{Path(path).name}: not a readable image ({e.__class__.__name__})") from None
