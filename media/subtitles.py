"""Subtitles into `asr`: text subtitle streams inside the file and sidecar .srt/.vtt files next to it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import av

from media.limits import SUBTITLE_SUFFIXES, MediaError

TEXT_CODECS = {"subrip", "srt", "webvtt", "mov_text", "ass", "ssa", "text"}
_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})")
_TAGS = re.compile(r"<[^>]*>|\{\\[^}]*\}")      # <i>, <c.yellow>, {\an8} styling


@dataclass
class Cue:
    start: float
    end: float
    text: str


def _seconds(m: re.Match) -> float:
    h, mi, s, ms = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def parse_cues(text: str) -> list[Cue]:
    """SRT or WebVTT text as cues; numbering, headers, NOTE blocks and styling tags dropped."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\ufeff", "")):
        lines = [ln.strip() for ln in block.strip().split("\n") if ln.strip()]
        for i, ln in enumerate(lines):
            if "-->" in ln:
                a, b = ln.split("-->", 1)
                ma, mb = _TIME.search(a), _TIME.search(b)
                body = " ".join(_TAGS.sub("", x) for x in lines[i + 1:]).strip()
                if ma and mb and body:
                    cues.append(Cue(_seconds(ma), _seconds(mb), body))
                break
    return cues


def cues_text(cues: list[Cue], max_chars: int) -> str:
    """Cue texts in time order, a line repeated by consecutive cues said once, cut at max_chars."""
    out: list[str] = []
    for c in sorted(cues, key=lambda c: c.start):
        if not out or out[-1] != c.text:
            out.append(c.text)
    return " ".join(out)[:max_chars]


def sidecar(video: Path) -> Path | None:
    """clip.srt / clip.vtt, or a language-tagged clip.zh.srt, next to clip.mp4."""
    for suffix in SUBTITLE_SUFFIXES:
        exact = video.with_suffix(suffix)
        if exact.is_file():
            return exact
        tagged = sorted(video.parent.glob(f"{glob_escape(video.stem)}.*{suffix}"))
        if tagged:
            return tagged[0]
    return None


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def read_sidecar(path: Path) -> list[Cue]:
    try:
        return parse_cues(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise MediaError("subtitles", f"{path.name} is not UTF-8 text") from None


def stream_cues(path: str) -> list[Cue]:
    """Cues of every text subtitle stream of the file (bitmap subtitles such as DVD/PGS carry no text)."""
    cues = []
    with av.open(path) as container:
        streams = [s for s in container.streams.subtitles if s.codec_context.name in TEXT_CODECS]
        if not streams:
            return []
        for packet in container.demux(*streams):
            if not packet.size or packet.pts is None:
                continue
            text = _packet_text(packet.stream.codec_context.name, bytes(packet))
            if text:
                start = float(packet.pts * packet.time_base)
                cues.append(Cue(start, start + float((packet.duration or 0) * packet.time_base), text))
    return cues


def _packet_text(codec: str, data: bytes) -> str:
    if codec == "mov_text":
        data = data[2:2 + int.from_bytes(data[:2], "big")]      # 16-bit length prefix (3GPP timed text)
    text = data.decode("utf-8", errors="replace")
    if codec in ("ass", "ssa"):
        text = text.split(",", 8)[-1].replace("\\N", " ")        # the Text field of a Dialogue event
    return " ".join(_TAGS.sub("", text).split())
