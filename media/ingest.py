"""The ingest stage: media files -> validated video rows (loaders/models.py) -> Neo4j, one transaction a file.

Each file is hashed first; a file already stored with the same content hash is skipped. A file that
fails any stage gets one reject line (file, stage, reason) and the run goes on with the next file.
A video's node, its keyframes and its near-duplicate links are written in one transaction, so a
failure never leaves part of a video in Neo4j; its thumbnails are removed with it."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import torch
from PIL import Image
from pydantic import ValidationError
from tqdm import tqdm

from graph.cypher import media as Q
from loaders.load import write_videos
from loaders.models import VideoRow
from media import asr as asr_mod
from media import visual
from media.extract import MediaRecord, extract, extract_images
from media.hashes import HashIndex
from media.limits import IMAGE_SUFFIXES, VIDEO_SUFFIXES, Limits, MediaError
from media.subtitles import sidecar

THUMB_HEIGHT = 180
ID_PREFIX = "m"          # ingested videos: m + 20 hex digits of the file's SHA-256, so one file is one video


@dataclass
class Item:
    path: Path                     # the video, the image, or the folder of frames
    kind: str                      # 'video' | 'image' | 'frames'
    cover: Path | None = None      # clip.jpg next to clip.mp4
    frames: list[Path] = field(default_factory=list)


@dataclass
class IngestReport:
    files: int = 0
    ingested: int = 0
    skipped: int = 0
    rejected: int = 0
    near_duplicates: int = 0
    ids: list[str] = field(default_factory=list)            # videos stored by this run
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # summed seconds per stage
    rejects_path: str | None = None
    asr: str = ""

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def summary(self) -> str:
        rate = self.ingested / self.seconds if self.seconds else 0.0
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in self.stages.items())
        text = (f"ingest: {self.files} files, {self.ingested} ingested, {self.skipped} skipped (same content), "
                f"{self.rejected} rejected, {self.near_duplicates} near-duplicate links in {self.seconds:.1f}s "
                f"({rate:.2f} videos/s; {stages}); speech recognition {self.asr}")
        if self.rejected:
            text += f"\n  rejects written to {self.rejects_path}"
        return text


def discover(paths: list[Path]) -> tuple[list[Item], list[dict]]:
    """Items to ingest from files and folders, and rejects for files of a type tagkg does not read."""
    items, rejects = [], []
    for p in map(Path, paths):
        if p.is_dir():
            items += _folder(p)
        elif not p.exists():
            rejects.append(_reject(p, "discover", "no such file or folder"))
        elif p.suffix.lower() in VIDEO_SUFFIXES:
            items.append(Item(p, "video", _cover(p)))
        elif p.suffix.lower() in IMAGE_SUFFIXES:
            items.append(Item(p, "image", frames=[p]))
        else:
            rejects.append(_reject(p, "discover", f"unsupported file type {p.suffix or '(none)'}; "
                                                  f"expected {', '.join(sorted(VIDEO_SUFFIXES | IMAGE_SUFFIXES))}"))
    return items, rejects


def _folder(folder: Path) -> list[Item]:
    """Videos anywhere below; a folder holding images but no video is one video made of its frames."""
    items = []
    for d in sorted([folder, *(p for p in folder.rglob("*") if p.is_dir())]):
        files = sorted(p for p in d.iterdir() if p.is_file())
        videos = [f for f in files if f.suffix.lower() in VIDEO_SUFFIXES]
        images = [f for f in files if f.suffix.lower() in IMAGE_SUFFIXES]
        items += [Item(v, "video", _cover(v)) for v in videos]
        if images and not videos:
            items.append(Item(d, "frames", frames=images) if len(images) > 1 else Item(images[0], "image", frames=images))
        elif images:
            covers = {v.stem for v in videos}
            items += [Item(i, "image", frames=[i]) for i in images if i.stem not in covers]
    return items


def _cover(video: Path) -> Path | None:
    return next((c for s in IMAGE_SUFFIXES if (c := video.with_suffix(s)).is_file()), None)


def content_hash(item: Item, id_prefix: str = "") -> tuple[str, str]:
    """(video id, content hash): the id from the main file, the hash over it and its cover and subtitles."""
    main = hashlib.sha256()
    files = item.frames if item.kind == "frames" else [item.path]
    for f in files:
        _update(main, f)
    full = main.copy()
    for extra in (item.cover, sidecar(item.path) if item.kind == "video" else None):
        if extra is not None:
            _update(full, extra)
    return id_prefix + ID_PREFIX + main.hexdigest()[:20], full.hexdigest()


def _update(h, path: Path) -> None:
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)


def record_row(rec: MediaRecord, video_id: str, sha: str, thumbs: list[str], base: dict | None = None) -> dict:
    """The video row of a media record; fields the caller gives in `base` (a loaded row) win over the file's."""
    row = {"id": video_id, "title": rec.title[:500], "asr": rec.asr, "ocr": rec.ocr_text[:10_000],
           "duration_s": int(round(rec.duration_s)), "visual": rec.visual, "visual_model": visual.MODEL,
           "visual_dim": len(rec.visual), "width": rec.width, "height": rec.height, "codec": rec.codec,
           "media": rec.path, "media_sha256": sha,
           "keyframes": [{"index": f.index, "t": f.t, "cover": f.cover, "cut": min(f.cut, 1.0), "phash": f.phash,
                          "thumb": thumbs[f.index] if thumbs else None,
                          "ocr": [{"text": line.text[:500], "box": line.box, "conf": line.conf} for line in f.ocr],
                          "classes": f.classes} for f in rec.frames]}
    for k, v in (base or {}).items():
        if v not in (None, "", [], False) or k not in row:
            row[k] = v
    return row


class Ingester:
    """Holds what every file of a run shares: limits, the models (loaded on first use), stored hashes."""

    def __init__(self, graph, settings, limits: Limits = Limits(), *, use_ocr: bool = True, scan: str = "auto",
                 asr_plugin=None, id_prefix: str = ""):
        self.graph, self.settings, self.limits, self.id_prefix = graph, settings, limits, id_prefix
        self.use_ocr, self.scan, self.asr_plugin = use_ocr, scan, asr_plugin
        self.media_dir = Path(settings.data_dir) / "media"
        self._hashes: HashIndex | None = None
        self.decode_threads = 0       # FFmpeg's choice; run() sets one a file when it extracts several at once
        # one intra-op thread, as the tagger does: 8 keyframes took 1.4 s with one and 4.2 s with two (loaded machine)
        torch.set_num_threads(1)

    @property
    def hashes(self) -> HashIndex:
        if self._hashes is None:
            self._hashes = HashIndex()
            for r in self.graph.query(Q.KEYFRAME_HASHES):
                self._hashes.add(r["id"], r["hashes"])
        return self._hashes

    def extract(self, item: Item) -> MediaRecord:
        if item.kind == "video":
            return extract(item.path, self.limits, use_ocr=self.use_ocr, cover=item.cover,
                           asr_plugin=self.asr_plugin, scan=self.scan, threads=self.decode_threads)
        return extract_images(item.frames, self.limits, title=item.path.stem, use_ocr=self.use_ocr)

    def thumbnails(self, video_id: str, rec: MediaRecord) -> list[str]:
        """JPEG thumbnails under data_dir/media/thumbs/<id>/; paths relative to data_dir/media."""
        folder = self.media_dir / "thumbs" / video_id
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for f in rec.frames:
            img = Image.fromarray(f.rgb)
            img.thumbnail((THUMB_HEIGHT * 4, THUMB_HEIGHT))
            img.save(folder / f"{f.index}.jpg", quality=85)
            out.append(f"thumbs/{video_id}/{f.index}.jpg")
            f.rgb = None            # the frame image is no longer needed: memory stays flat over a long run
        return out

    def store(self, row: VideoRow, near: list[tuple[str, float]]) -> None:
        links = [{"a": row.id, "b": other, "distance": d} for other, d in near]

        def work(tx):
            write_videos(tx, [row])
            if links:
                tx.run(Q.MERGE_NEAR_DUPLICATES, rows=links).consume()

        self.graph.write(work)

    def prepare(self, item: Item) -> tuple[str, str, MediaRecord | None]:
        """(video id, content hash, media record) of one item; the record is None when the same content is
        stored already. Reads only: safe to run for several items at once. Raises MediaError on a bad file."""
        video_id, sha = content_hash(item, self.id_prefix)
        if self.graph.query(Q.STORED_MEDIA, rows=[{"id": video_id, "sha256": sha}]):
            return video_id, sha, None
        return video_id, sha, self.extract(item)

    def run(self, items: list[Item], report: IngestReport, workers: int = 1):
        """Ingest items in order, yielding (item, video id or None, error or None) as each is done. With
        workers > 1, that many items are extracted at once (decoding, OCR and the CNN release the GIL and
        each runs one thread; OCR one file at a time, media/ocr.py) while stores stay in order, one at a time: at most workers + 1 records in memory."""
        self.decode_threads = 1 if workers > 1 else 0

        def guarded(item):
            try:
                return self.prepare(item), None
            except Exception as e:   # noqa: BLE001 - reported per file by the caller
                return None, e

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            pending = deque()
            for item in items:
                pending.append((item, pool.submit(guarded, item)))
                if len(pending) > workers:
                    yield self._done(*pending.popleft(), report)
            while pending:
                yield self._done(*pending.popleft(), report)

    def _done(self, item: Item, future, report: IngestReport):
        prepared, err = future.result()
        if err is None:
            try:
                return item, self.finish(prepared, report), None
            except Exception as e:   # noqa: BLE001
                err = e
        return item, None, err

    def finish(self, prepared: tuple[str, str, MediaRecord | None], report: IngestReport) -> str | None:
        """Store a prepared item (thumbnails, validation, near duplicates, one transaction)."""
        video_id, sha, rec = prepared
        if rec is None:
            report.skipped += 1
            return None
        for k, v in rec.seconds.items():
            report.stages[k] = report.stages.get(k, 0.0) + v
        t0 = time.perf_counter()
        try:
            thumbs = self.thumbnails(video_id, rec)
            try:
                row = VideoRow.model_validate(record_row(rec, video_id, sha, thumbs))
            except ValidationError as e:
                err = e.errors()[0]
                raise MediaError("validate", f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
            near = self.hashes.near([f.phash for f in rec.frames], exclude=video_id)
            try:
                self.store(row, near)
            except Exception as e:   # the transaction rolled back: nothing of this video is in Neo4j
                raise MediaError("write", f"Neo4j write failed: {e.__class__.__name__}: {e}") from None
        except BaseException:    # whatever stopped it, no thumbnail of an unstored video stays behind
            shutil.rmtree(self.media_dir / "thumbs" / video_id, ignore_errors=True)
            raise
        self.hashes.add(video_id, [f.phash for f in rec.frames])
        report.near_duplicates += len(near)
        report.stages["write"] = report.stages.get("write", 0.0) + time.perf_counter() - t0
        return video_id


def ingest(graph, settings, paths: list[Path], *, limits: Limits = Limits(), use_ocr: bool = True,
           scan: str = "auto", rejects_path: Path | None = None, progress: bool = True,
           asr_plugin=None, id_prefix: str = "", workers: int = 0) -> IngestReport:
    """Ingest files and folders; every file is ingested, skipped (same content stored) or rejected.
    workers: files extracted at once (0: one per CPU core)."""
    started = time.perf_counter()
    report = IngestReport(asr=asr_mod.describe(asr_plugin))
    rejects_path = Path(rejects_path) if rejects_path else Path(settings.data_dir) / "media" / "ingest.rejects.jsonl"
    rejects_path.parent.mkdir(parents=True, exist_ok=True)
    rejects_path.unlink(missing_ok=True)   # a stale file from an earlier run would mislead
    items, rejects = discover(paths)
    report.files = len(items) + len(rejects)
    ing = Ingester(graph, settings, limits, use_ocr=use_ocr, scan=scan, asr_plugin=asr_plugin, id_prefix=id_prefix)
    done = ing.run(items, report, workers or default_workers())
    for item, vid, err in tqdm(done, total=len(items), desc="ingest", unit="file", disable=not progress):
        if isinstance(err, MediaError):
            rejects.append(_reject(item.path, err.stage, err.reason))
            continue
        if err is not None:   # an unexpected failure in one file must not stop the others
            rejects.append(_reject(item.path, "extract", f"{err.__class__.__name__}: {err}"))
            continue
        if vid:
            report.ingested += 1
            report.ids.append(vid)
    report.rejected = len(rejects)
    if rejects:
        with open(rejects_path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rejects)
        report.rejects_path = str(rejects_path)
    report.seconds = time.perf_counter() - started
    return report


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def media_rows(graph, settings, limits: Limits = Limits(), use_ocr: bool = True):
    """For `tagkg load videos`: fill rows that name a `media` file from the file (the row's own fields win)."""
    ing = Ingester(graph, settings, limits, use_ocr=use_ocr)

    def fill(good: list[tuple[int, VideoRow]]):
        out, rejects = [], []
        for line, row in good:
            if not row.media:
                out.append((line, row))
                continue
            path = Path(row.media)
            try:
                if not path.is_file():
                    raise MediaError("discover", "no such file")
                item = Item(path, "video", _cover(path)) if path.suffix.lower() in VIDEO_SUFFIXES else \
                    Item(path, "image", frames=[path])
                _, sha = content_hash(item)
                rec = ing.extract(item)
                base = row.model_dump(exclude_none=True, exclude={"keyframes", "media_sha256"})
                filled = VideoRow.model_validate(record_row(rec, row.id, sha, ing.thumbnails(row.id, rec), base))
                out.append((line, filled))
            except MediaError as e:
                rejects.append((line, "media", f"{path}: {e.stage}: {e.reason}", row.model_dump(mode="json")))
            except ValidationError as e:
                err = e.errors()[0]
                rejects.append((line, "media", f"{path}: validate: {err['loc']}: {err['msg']}", row.model_dump(mode="json")))
        return out, rejects

    return fill


def _reject(path: Path, stage: str, reason: str) -> dict:
    return {"file": str(path), "stage": stage, "reason": reason}
