"""Real demo clips: scenes from scikit-image's bundled photos, a title and burned-in Chinese subtitles in
Debian's Noto Sans CJK, encoded with PyAV (H.264). Some carry a subtitle track, some a sidecar .srt.

A fixture for the media path (tests, the benchmark and scripts/run.sh): nothing measured on these clips
says anything about tagging quality."""
from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")   # apt: fonts-noto-cjk
FONT_SC = 2                       # face index of Simplified Chinese in the collection
PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina",
          "motorcycle", "camera", "coins", "moon", "brick", "grass", "gravel", "clock")


@dataclass
class Cue:
    start: float
    end: float
    text: str


@lru_cache(maxsize=None)
def photo(name: str) -> np.ndarray:
    """A bundled scikit-image photo as RGB uint8."""
    from skimage import data
    img = data.stereo_motorcycle()[0] if name == "motorcycle" else getattr(data, name)()
    img = np.asarray(img)
    if img.dtype == bool:
        img = img.astype(np.uint8) * 255
    return np.repeat(img[:, :, None], 3, 2) if img.ndim == 2 else img[:, :, :3]


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        raise FileNotFoundError(f"{FONT} is missing: install Debian's fonts-noto-cjk (bash scripts/setup.sh does)")
    return ImageFont.truetype(str(FONT), size, index=FONT_SC)


def background(name: str, size: tuple[int, int], zoom: float = 1.15, flip: bool = False, dy: float = 0.0) -> np.ndarray:
    """The photo covering (w*zoom, h*zoom), so a scene can pan slowly across it; flipped and cropped from
    `dy` (0..1 of the spare height) when a clip frames it its own way."""
    w, h = size
    img = Image.fromarray(photo(name))
    if flip:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    scale = max(w * zoom / img.width, h * zoom / img.height)
    out = np.asarray(img.resize((int(img.width * scale) + 1, int(img.height * scale) + 1), Image.BILINEAR))
    return out[int((out.shape[0] - h) * dy):]


def text_layer(size: tuple[int, int], title: str, subtitle: str) -> Image.Image:
    """RGBA overlay: the title in a dark band at the top, the subtitle outlined at the bottom."""
    w, h = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    if title:
        f = font(max(14, h // 16))
        d.rectangle([0, 0, w, int(h * 0.1)], fill=(0, 0, 0, 150))
        d.text((w // 2, int(h * 0.05)), title, font=f, fill=(255, 255, 255, 255), anchor="mm")
    if subtitle:
        f = font(max(16, h // 14))
        d.text((w // 2, int(h * 0.88)), subtitle, font=f, fill=(255, 255, 255, 255), anchor="mm",
               stroke_width=max(2, h // 180), stroke_fill=(0, 0, 0, 255))
    return layer


def render(path: Path, scenes: list[tuple], cues: list[Cue], *, title: str = "",
           size: tuple[int, int] = (640, 360), fps: int = 10, bitrate: int | None = None,
           subtitle_track: bool = False, burn: bool = True, codec: str = "libx264",
           options: dict | None = None) -> Path:
    """Encode a clip: scenes (photo, seconds[, zoom, flip, dy]) cut hard one after another, slow pans, text burned in.

    subtitle_track adds the cues as an SRT stream (the container must be .mkv); bitrate (bits/s)
    re-encodes the same frames at another quality, for near-duplicate tests; options go to the encoder
    (e.g. {"x264-params": "scenecut=0:keyint=40"}: a fixed GOP that marks no cut)."""
    path = Path(path)
    w, h = size
    out = av.open(str(path), "w")
    out.metadata["title"] = title
    stream = out.add_stream(codec, rate=fps)
    stream.width, stream.height = w, h
    stream.pix_fmt = "yuv420p"
    if codec == "libx264":
        stream.options = {"preset": "veryfast", **(options or {})}
    if bitrate:
        stream.bit_rate = bitrate
    sub_stream = srt_packets = None
    if subtitle_track:
        srt_packets, template = _srt_packets(cues)
        sub_stream = out.add_stream_from_template(template.streams.subtitles[0])
    layers: dict[str, Image.Image] = {}
    t0 = 0.0
    for name, seconds, *framing in scenes:
        bg = background(name, size, *framing)
        n = max(1, int(round(seconds * fps)))
        for i in range(n):
            t = t0 + i / fps
            dx = int((bg.shape[1] - w) * i / max(n - 1, 1))          # pan left to right across the scene
            frame = bg[: h, dx: dx + w]
            if burn:
                sub = next((c.text for c in cues if c.start <= t < c.end), "")
                key = f"{title}\0{sub}"
                if key not in layers:
                    layers[key] = text_layer(size, title, sub)
                img = Image.fromarray(np.ascontiguousarray(frame)).convert("RGBA")
                frame = np.asarray(Image.alpha_composite(img, layers[key]).convert("RGB"))
            for p in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                out.mux(p)
        t0 += n / fps
    for p in stream.encode():
        out.mux(p)
    if sub_stream is not None:
        for p in srt_packets:
            p.stream = sub_stream
            out.mux(p)
    out.close()
    return path


def write_srt(path: Path, cues: list[Cue]) -> Path:
    def ts(s: float) -> str:
        ms = int(round(s * 1000))
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
    path.write_text("".join(f"{i + 1}\n{ts(c.start)} --> {ts(c.end)}\n{c.text}\n\n" for i, c in enumerate(cues)),
                    encoding="utf-8")
    return path


def _srt_packets(cues: list[Cue]):
    """PyAV cannot encode subtitles without an ASS header, so the SRT track is remuxed from an .srt file."""
    tmp = Path(tempfile.mkdtemp()) / "track.srt"
    write_srt(tmp, cues)
    src = av.open(str(tmp))
    return [p for p in src.demux() if p.size], src


def subtitle_lines(text: str, max_chars: int = 16, n: int = 6) -> list[str]:
    """A demo ASR text cut into short subtitle lines at spaces and punctuation."""
    parts, cur = [], ""
    for ch in text.replace("，", " ").replace("。", " ").replace("！", " ").replace("？", " "):
        if ch == " ":
            if cur:
                parts.append(cur)
            cur = ""
        else:
            cur += ch
            if len(cur) >= max_chars:
                parts.append(cur)
                cur = ""
    if cur:
        parts.append(cur)
    return [p for p in parts if len(p) >= 2][:n]


def demo_clips(out_dir: Path, videos_jsonl: Path, n: int, seed: int = 0, size: tuple[int, int] = (640, 360),
               seconds: float = 6.0, fps: int = 10, progress: bool = True) -> list[Path]:
    """Render n clips from the first n demo video records: their title on screen, their ASR as subtitles,
    2-4 scenes from the bundled photos. A third carry an SRT track (.mkv), a third a sidecar .srt.
    labels.jsonl beside them gives each clip its record's labels under the id `tagkg ingest` will give the
    clip, so ingested clips are labelled videos with real visual vectors (`tagkg load labels` loads them)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rand = random.Random(seed)
    paths = []
    with open(videos_jsonl, encoding="utf-8") as f:
        records = [json.loads(line) for _, line in zip(range(n), f)]
    for i, rec in enumerate(tqdm(records, desc="render clips", unit="clip", disable=not progress)):
        lines = subtitle_lines(rec.get("asr") or rec.get("summary") or rec["title"]) or [rec["title"][:16]]
        k = rand.randint(2, 4)
        # each scene frames its photo its own way: clips sharing a photo are not near duplicates
        scenes = [(rand.choice(PHOTOS), seconds / k, rand.uniform(1.3, 2.2), rand.random() < 0.5, rand.random())
                  for _ in range(k)]
        step = seconds / len(lines)
        cues = [Cue(j * step, (j + 1) * step, line) for j, line in enumerate(lines)]
        style = i % 3                       # 0: subtitles burned in only, 1: + SRT track, 2: + sidecar .srt
        path = out_dir / f"clip{i:04d}.{'mkv' if style == 1 else 'mp4'}"
        if not path.exists():
            render(path, scenes, cues, title=rec["title"][:24], size=size, fps=fps, subtitle_track=style == 1)
            if style == 2:
                write_srt(path.with_suffix(".srt"), cues)
        paths.append(path)
    _clip_labels(out_dir / "labels.jsonl", Path(videos_jsonl).with_name("labels.jsonl"),
                 {rec["id"]: path for rec, path in zip(records, paths)})
    return paths


def _clip_labels(out: Path, demo_labels: Path, clip_of: dict[str, Path]) -> None:
    """The label rows of the clips' source records, re-keyed to the clips' ingest ids."""
    from media.ingest import Item, content_hash

    ids = {vid: content_hash(Item(p, "video"))[0] for vid, p in clip_of.items()}
    rows = []
    if demo_labels.exists():
        with open(demo_labels, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if row["video_id"] in ids:
                    rows.append(json.dumps({**row, "video_id": ids[row["video_id"]]}, ensure_ascii=False) + "\n")
    out.write_text("".join(rows), encoding="utf-8")


def char_accuracy(read: str, truth: str) -> float:
    """1 - edit distance / length of the truth (spaces ignored), at least 0: how well OCR read a rendered line
    (bench/ingest.py and the media tests score against what render() drew)."""
    a, b = read.replace(" ", ""), truth.replace(" ", "")
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return max(0.0, 1 - prev[-1] / max(1, len(b)))
