"""Keyframes: the cover, frames just after scene cuts (strongest first, capped), evenly spread ones otherwise.

Scene cuts are found by comparing tiny grey copies of decoded frames on a `Limits.scene_fps` grid. The
default scan decodes every frame that other frames refer to (B-frames are skipped, never needed at that
grid); scan='keyframes' decodes only the stream's own key frames, about six times faster again, but a cut
between two key frames is seen only at the next one, and one the encoder did not mark is missed when the
key frames are far apart (x264 marks most cuts, not all: tests/test_media_units.py has one it left
unmarked). scan='auto' (the default) reads the key frames' times from the packets (no decoding) and takes
the key-frame scan when no two are more than `Limits.auto_max_key_gap_s` apart (a phone's 1-2 s GOP: each
cut is seen within that), else the full scan. Memory is bounded: only candidate frames (at most about twice
the cap) are kept, as decoded frames, whatever the video's length."""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import av
import numpy as np

from media.limits import Limits, MediaError, ffmpeg_reason

SIG_W, SIG_H = 32, 18           # the grey signature compared between frames
BLACK = 0.06                    # a cover darker than this (mean, 0..1) is a fade-in; take the next frame
YUV8 = frozenset({"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12"})
TRUNCATED_KEY_S = 12.0          # x264 puts a key frame at least every 10 s (keyint 250 at 25 fps)


@dataclass
class Keyframe:
    t: float                    # seconds from the start
    rgb: np.ndarray             # (h, w, 3) uint8, short side at most Limits.analysis_side
    cut: float = 0.0            # strength of the scene change it starts (0: cover or evenly spread)
    cover: bool = False


def signature(grey: np.ndarray) -> np.ndarray:
    return grey.astype(np.float32).ravel() / 255.0


def frame_signature(frame) -> np.ndarray:
    """The SIG_H x SIG_W grey signature of a decoded frame. For 8-bit planar YUV the luma plane is the grey
    image already: block means of a grid of its pixels cost a fraction of swscale's resize to 32x18
    (which halved a full scan's speed); other pixel formats go through swscale."""
    h, w = frame.height, frame.width
    if frame.format.name in YUV8 and h >= SIG_H and w >= SIG_W:
        plane = frame.planes[0]
        y = np.frombuffer(plane, np.uint8).reshape(h, plane.line_size)[:, :w]
        # every step-th pixel, about 8x8 of them a block: a 720p block is 40x40 pixels
        step = max(1, min(h // (8 * SIG_H), w // (8 * SIG_W)))
        bh, bw = h // SIG_H // step, w // SIG_W // step       # block size in the subsampled plane
        y = y[: bh * step * SIG_H: step, : bw * step * SIG_W: step]   # (SIG_H*bh, SIG_W*bw)
        mean = y.reshape(SIG_H, bh, SIG_W, bw).mean((1, 3), dtype=np.float32).ravel()
        if frame.format.name.startswith("yuvj"):          # full-range luma
            return mean / 255.0
        return np.clip((mean - 16.0) / 219.0, 0.0, 1.0)     # limited range (16-235), as swscale's gray maps it
    return signature(frame.reformat(width=SIG_W, height=SIG_H, format="gray").to_ndarray())


def change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two signatures, 0 (same) .. 1."""
    return float(np.abs(a - b).mean())


class Selector:
    """Streams (t, signature, frame) and keeps the cover, the strongest cuts and one frame per time bucket.

    Candidates are kept as decoded frames and converted to RGB only once chosen: the buckets' best frames
    change with every compared frame in the first half of each bucket, and converting each of them cost
    a quarter of a full scan's time."""

    def __init__(self, duration: float, limits: Limits, to_rgb):
        self.duration, self.limits, self.to_rgb = max(duration, 1e-3), limits, to_rgb
        self.k = limits.max_keyframes
        self.cover: Keyframe | None = None
        self.cuts: list[tuple[float, float, object]] = []          # min-heap on strength: (cut, t, frame)
        self.buckets: dict[int, tuple[float, float, object]] = {}  # bucket -> (distance to centre, t, frame)
        self.prev = None
        self.last_cut = -1e9
        self.seen = 0

    def add(self, t: float, sig: np.ndarray, frame) -> None:
        self.seen += 1
        # seen first: the cover's mean over a whole RGB frame is worth computing for the first frames only
        if self.cover is None or (self.seen <= 3 and sig.mean() >= BLACK and self.cover.rgb.mean() / 255 < BLACK):
            self.cover = Keyframe(t, self.to_rgb(frame), cover=True)
        elif self.prev is not None:
            c = change(self.prev, sig)
            if c >= self.limits.scene_threshold and t - self.last_cut >= self.limits.min_scene_s:
                self.last_cut = t
                item = (c, t, frame)
                if len(self.cuts) < self.k - 1:
                    heapq.heappush(self.cuts, item)
                elif c > self.cuts[0][0]:
                    heapq.heapreplace(self.cuts, item)
        b = min(int(t / self.duration * self.k), self.k - 1)
        d = abs(t - (b + 0.5) * self.duration / self.k)
        if b not in self.buckets or d < self.buckets[b][0]:
            self.buckets[b] = (d, t, frame)
        self.prev = sig

    def result(self) -> list[Keyframe]:
        """Cover first, then cut frames; evenly spread frames fill in only when the video has no cuts."""
        if self.cover is None:
            return []
        chosen = [self.cover] + [Keyframe(t, self.to_rgb(f), cut=c) for c, t, f in sorted(self.cuts, key=lambda i: i[1])]
        if len(chosen) == 1:
            chosen += [Keyframe(t, self.to_rgb(f)) for _, (_, t, f) in sorted(self.buckets.items())
                       if abs(t - self.cover.t) > 1e-6]
        return sorted(chosen, key=lambda k: k.t)[: self.k]


SCANS = ("auto", "all", "keyframes")


def _open(path: str):
    """The opened container and its first video stream, or MediaError('decode')."""
    try:
        container = av.open(path)
    except av.error.FFmpegError as e:
        raise MediaError("decode", f"cannot open: {ffmpeg_reason(e)}") from None
    if not container.streams.video:    # probe refuses such files first; a direct caller gets the reason too
        container.close()
        raise MediaError("decode", "no video stream")
    return container, container.streams.video[0]


def key_times(path: str) -> list[float]:
    """Times (s) of the first video stream's key frames, from the packets alone: demuxing, no decoding."""
    container, stream = _open(path)
    with container:
        try:
            times = [float(p.pts * p.time_base) for p in container.demux(stream)
                     if p.is_keyframe and p.pts is not None]
        except av.error.FFmpegError as e:
            raise MediaError("decode", f"the container is damaged ({ffmpeg_reason(e)})") from None
    return sorted(times)


def choose_scan(times: list[float], duration: float, limits: Limits) -> str:
    """'keyframes' when no two key frames (and the end) are more than auto_max_key_gap_s apart, else 'all'.
    Uneven spacing is no proof that the encoder marks every cut (x264 left one of three unmarked in the
    tests), so only dense key frames are trusted."""
    if len(times) < 2:
        return "all"
    gaps = np.diff(np.array(times + [max(duration + times[0], times[-1])], dtype=np.float64))
    return "keyframes" if gaps.max() <= limits.auto_max_key_gap_s + 1e-6 else "all"


def resolve_scan(path: str, duration: float, limits: Limits, scan: str) -> str:
    """The scan a file gets: 'auto' becomes 'all' or 'keyframes' (choose_scan); the others stay."""
    if scan not in SCANS:
        raise ValueError(f"scan must be one of {', '.join(SCANS)}, not {scan!r}")
    return choose_scan(key_times(path), duration, limits) if scan == "auto" else scan


def extract_keyframes(path: str, duration: float, limits: Limits, scan: str = "all",
                      threads: int = 0) -> list[Keyframe]:
    """Keyframes of the first video stream. scan='all' compares frames at Limits.scene_fps; scan='keyframes'
    decodes only the stream's key frames (about six times faster, but a cut the encoder did not mark with
    a key frame is missed: x264 marks none within its minimum key-frame interval); 'auto': choose_scan.
    threads: decoder threads (0: FFmpeg's choice, one per core)."""
    scan = resolve_scan(path, duration, limits, scan)
    key_only = scan == "keyframes"
    frames, _, end = _scan(path, duration, limits, key_only=key_only, threads=threads)
    _check_end(end, duration, TRUNCATED_KEY_S if key_only else max(2.0, 0.1 * duration))
    return frames


def _check_end(end: float, duration: float, tolerance: float) -> None:
    """FFmpeg stops quietly at the end of a truncated file: compare where frames ended with the stated duration."""
    if end < duration - tolerance:
        raise MediaError("decode", f"frames end at {end:.1f}s of the stated {duration:.1f}s (truncated file)")


def _scan(path: str, duration: float, limits: Limits, key_only: bool,
          threads: int = 0) -> tuple[list[Keyframe], int, float]:
    container, stream = _open(path)
    with container:
        stream.thread_type = "AUTO"
        if threads:
            # several files decoded at once: one thread each. Two workers decoding 12 bench clips with
            # FFmpeg's own thread count each ran at 3.2 videos/s, with one thread each at 4.2
            stream.thread_count = threads
        # A full scan compares frames on a scene_fps grid, so frames no other frame refers to (B-frames) are
        # never needed: skipping them halves decoding (752 -> 413 frames of a 30 s 25 fps clip, 1.7x faster).
        # Encoders code a scene cut as an intra frame, which is always kept.
        stream.codec_context.skip_frame = "NONKEY" if key_only else "NONREF"
        # No deblocking of the frames between key frames: the grey signatures cannot tell, and decoding is a
        # quarter faster (30 s 720p bench clips: 1.9 -> 2.3 videos/s). Key frames, where most cuts and the
        # cover are, keep it; the OCR-vs-rendered score in bench/results/ingest.json is measured with it off.
        stream.codec_context.options = {"skip_loop_filter": "nokey"}
        w, h = stream.codec_context.width, stream.codec_context.height
        scale = min(1.0, limits.analysis_side / min(w, h))
        size = (max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2))

        def to_rgb(frame):
            return frame.reformat(width=size[0], height=size[1], format="rgb24").to_ndarray()

        sel = Selector(duration, limits, to_rgb)
        step = 1.0 / limits.scene_fps
        next_t, start, decoded = 0.0, None, 0
        try:
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                start = frame.time if start is None else start
                t = frame.time - start
                decoded += 1
                if not key_only and t + 1e-6 < next_t:
                    continue
                next_t = (int(t / step + 1e-6) + 1) * step     # a fixed grid: no drift away from cuts
                sel.add(t, frame_signature(frame), frame)
        except av.error.FFmpegError as e:
            raise MediaError("decode", f"the stream is damaged after {decoded} decoded frames ({ffmpeg_reason(e)})") from None
        if decoded == 0:
            raise MediaError("decode", "the video stream holds no decodable frame (truncated file?)")
        return sel.result(), decoded, t
