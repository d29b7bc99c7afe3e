"""Real clips for the media tests, encoded with PyAV from rendered frames (demo/clips.py), and bad files."""
from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from demo.clips import Cue, render

SMALL = (320, 180)


def scenes_clip(path: Path, photos=("chelsea", "rocket", "coffee"), seconds: float = 2.0, lines=(), title: str = "",
                size=SMALL, **kw) -> Path:
    """Hard cuts every `seconds`; subtitle line i shown during scene i."""
    cues = [Cue(i * seconds, (i + 1) * seconds, line) for i, line in enumerate(lines)]
    return render(path, [(p, seconds) for p in photos], cues, title=title, size=size, **kw)


def encode(path: Path, codec: str, size: tuple[int, int], frames: int, rate) -> Path:
    out = av.open(str(path), "w")
    s = out.add_stream(codec, rate=rate)
    s.width, s.height, s.pix_fmt = size[0], size[1], "yuv420p"
    for i in range(frames):
        img = np.full((size[1], size[0], 3), (i * 37) % 255, np.uint8)
        for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
            out.mux(p)
    for p in s.encode():
        out.mux(p)
    out.close()
    return path


def audio_only(path: Path) -> Path:
    out = av.open(str(path), "w")
    s = out.add_stream("aac", rate=16000)
    for i in range(20):
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate, frame.pts = 16000, i * 1024
        for p in s.encode(frame):
            out.mux(p)
    for p in s.encode():
        out.mux(p)
    out.close()
    return path


def bad_files(folder: Path) -> dict[str, str]:
    """file name -> the stage its rejection must name: one file for each kind of bad input."""
    folder.mkdir(parents=True, exist_ok=True)
    good = scenes_clip(folder / "src.mkv", seconds=2.0).read_bytes()
    (folder / "src.mkv").unlink()
    (folder / "truncated.mkv").write_bytes(good[: len(good) // 2])
    corrupt = bytearray(scenes_clip(folder / "c.mp4", seconds=2.0).read_bytes())
    (folder / "c.mp4").unlink()
    rand = random.Random(0)
    for i in range(len(corrupt) // 3, len(corrupt) // 3 + 4000):
        corrupt[i] = rand.randrange(256)
    (folder / "corrupt.mp4").write_bytes(bytes(corrupt))
    (folder / "notes.mp4").write_text("this is a text file, not a video\n", encoding="utf-8")
    (folder / "empty.mov").write_bytes(b"")
    audio_only(folder / "audio.mp4")
    encode(folder / "wide.mp4", "libx264", (2048, 32), 3, 10)
    encode(folder / "two-hours.mp4", "libx264", (64, 64), 121, Fraction(1, 60))   # a frame a minute
    encode(folder / "mpeg2.mkv", "mpeg2video", (64, 64), 10, 10)
    return {"truncated.mkv": "decode", "corrupt.mp4": "decode", "notes.mp4": "probe", "empty.mov": "probe",
            "audio.mp4": "probe", "wide.mp4": "probe", "two-hours.mp4": "probe", "mpeg2.mkv": "probe"}
