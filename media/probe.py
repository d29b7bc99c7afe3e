"""Open a media file and check it against the limits before anything is decoded."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av

from media.limits import VIDEO_CODECS, Limits, MediaError, ffmpeg_reason


@dataclass
class Probe:
    path: str
    duration_s: float
    width: int
    height: int
    codec: str
    fps: float
    has_audio: bool
    subtitle_streams: list[str] = field(default_factory=list)   # codec names of text subtitle streams
    title: str = ""                                              # container metadata, when the file has one


def probe(path: Path, limits: Limits) -> Probe:
    """Duration, resolution, codec and streams of `path`, or MediaError('probe', why) for a file outside the limits."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise MediaError("probe", "empty file (0 bytes)")
    if size > limits.max_bytes:
        raise MediaError("probe", f"file is {size / 1024 ** 2:.0f} MiB; the limit is {limits.max_bytes / 1024 ** 2:.0f} MiB")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as e:
        raise MediaError("probe", f"not a readable video file ({ffmpeg_reason(e)})") from None
    with container:
        if not container.streams.video:
            kinds = sorted({s.type for s in container.streams}) or ["none"]
            raise MediaError("probe", f"no video stream (streams: {', '.join(kinds)}); audio-only files are not videos")
        v = container.streams.video[0]
        codec = v.codec_context.name
        if codec not in VIDEO_CODECS:
            raise MediaError("probe", f"unsupported video codec {codec!r}; supported: {', '.join(sorted(VIDEO_CODECS))}")
        w, h = v.codec_context.width, v.codec_context.height
        if min(w, h) < limits.min_side or max(w, h) > limits.max_side:
            raise MediaError("probe", f"resolution {w}x{h} is outside {limits.min_side}..{limits.max_side} pixels a side")
        if max(w, h) / max(min(w, h), 1) > limits.max_aspect:
            raise MediaError("probe", f"resolution {w}x{h}: aspect ratio above {limits.max_aspect:g}")
        duration = _duration(container, v)
        if duration is None:
            raise MediaError("probe", "the file states no duration (truncated or not a finished recording)")
        if duration > limits.max_duration_s:
            raise MediaError("probe", f"duration {duration / 60:.0f} min is above the limit of "
                                      f"{limits.max_duration_s / 60:.0f} min")
        fps = float(v.average_rate or v.guessed_rate or 0)
        subs = [s.codec_context.name for s in container.streams.subtitles]
        return Probe(str(path), duration, w, h, codec, fps, bool(container.streams.audio), subs,
                     (container.metadata.get("title") or "").strip())


def _duration(container, stream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / 1_000_000
    return None
