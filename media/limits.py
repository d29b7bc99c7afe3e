"""What a media file may be, and the error a file that breaks a rule gets (file, stage, reason)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Codecs FFmpeg (inside PyAV) decodes well and short-video platforms deliver; anything else is refused
# up front rather than decoded slowly or wrongly (ProRes, raw video, lossless archival codecs).
VIDEO_CODECS = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "mpeg4"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".mkv", ".webm"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
SUBTITLE_SUFFIXES = (".srt", ".vtt")


@dataclass(frozen=True)
class Limits:
    """Documented in README ("Real video in"). A file outside them is rejected, never partly ingested."""

    max_bytes: int = 2 * 1024 ** 3        # 2 GiB a file
    max_duration_s: float = 3600.0        # one hour: a 2-hour recording is refused at probe
    min_side: int = 32                    # pixels
    max_side: int = 4096                  # 4K; beyond it decode memory and time explode
    max_aspect: float = 8.0               # width/height or height/width: banners and strips are not videos
    max_keyframes: int = 8                # cover included
    scene_fps: float = 4.0                # frames a second compared for scene cuts in a full scan
    scene_threshold: float = 0.12         # mean absolute difference (0..1) of small grey frames at a cut
    min_scene_s: float = 1.0              # cuts closer than this to the previous one are ignored
    auto_max_key_gap_s: float = 2.0       # scan='auto': key frames at most this far apart show every cut
    max_frames_in_folder: int = 64        # a frame folder: images kept, evenly spread
    max_subtitle_chars: int = 50_000      # matches the asr field's limit
    analysis_side: int = 720              # keyframes are kept with their short side at most this (720p) for OCR


def ffmpeg_reason(e: Exception) -> str:
    """FFmpeg's message without the errno and the file name: "Invalid data found when processing input"."""
    return re.sub(r"^\[Errno -?\d+\]\s*", "", str(e)).split(":")[0].strip()[:200] or type(e).__name__


class MediaError(Exception):
    """A file that cannot be ingested: which stage failed and why, in words a user can act on."""

    def __init__(self, stage: str, reason: str):
        super().__init__(f"{stage}: {reason}")
        self.stage, self.reason = stage, reason
