"""Load one file into Neo4j: validate each row, check references, write UNWIND batches, keep rejects."""
from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable

from neo4j.exceptions import ConstraintError
from pydantic import ValidationError
from tqdm import tqdm

from graph.cypher import load as Q
from graph.cypher import schema as SQ
from graph.cypher import media as QM
from graph.db import Graph
from loaders.labels import LabelResolver
from loaders.models import MODELS, ClickRow, LabelRow, ProductRow, Row, TagRow, VideoRow
from loaders.reader import RawRow, read_rows
from text.normalize import tag_key

KINDS = tuple(MODELS)
LIBRARY_KINDS = ("tags", "labels")   # loads that change what the tagger holds in memory


@dataclass
class Reject:
    line: int
    field: str
    reason: str
    row: object


@dataclass
class LoadReport:
    kind: str
    path: str
    rows: int = 0
    stored: int = 0
    rejected: int = 0
    rejects_path: str | None = None
    seconds: float = 0.0
    reasons: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # (line, note): rows stored with a change, e.g. a merge redirect
    redirected: int = 0                          # label rows moved from a merged tag to its survivor

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def summary(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        text = (f"{self.kind}: {self.rows} rows read, {self.stored} stored, {self.rejected} rejected "
                f"in {self.seconds:.2f}s ({rate:,.0f} rows/s)")
        if self.rejected:
            top = ", ".join(f"{r} x{n}" for r, n in sorted(self.reasons.items(), key=lambda x: -x[1])[:5])
            text += f"\n  rejects written to {self.rejects_path}\n  most common: {top}"
        if self.redirected:
            text += f"\n  {self.redirected} labels redirected from merged tags to the tags they were merged into"
        text += "".join(f"\n  line {line}: {note}" for line, note in self.notes[:10])
        if len(self.notes) > 10:
            text += f"\n  ... and {len(self.notes) - 10} more notes (LoadReport.notes)"
        return text


def load_file(graph: Graph, kind: str, path: Path | str, *, fmt: str | None = None, batch_size: int = 2000,
              rejects_path: Path | str | None = None, progress: bool = True,
              max_line_bytes: int = 1_000_000, media=None) -> LoadReport:
    """Load `path` as `kind` rows; good rows are stored even when others are rejected.

    media: for video rows naming a `media` file, a function (good rows) -> (rows filled from the file,
    rejects as (line, field, reason)); media/ingest.py's `media_rows` (the CLI passes it)."""
    if kind not in MODELS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    rejects_path = Path(rejects_path) if rejects_path else path.with_name(path.name + ".rejects.jsonl")
    rejects_path.unlink(missing_ok=True)  # a stale file from an earlier run would mislead
    report = LoadReport(kind, str(path), rejects_path=str(rejects_path))
    writer = _WRITERS[kind]
    known: set[str] = set()  # tag ids stored earlier in this file, for phrase components
    first_line: dict[str, int] = {}  # id -> the line that gave it first, so a repeat is rejected, not stored twice
    labels = LabelResolver(graph) if kind == "labels" else None
    started = time.perf_counter()
    bar = tqdm(unit=" rows", desc=f"load {kind}", disable=not progress, mininterval=0.5)
    rejects_file = None
    try:
        for chunk in _chunks(read_rows(path, fmt, max_line_bytes), batch_size):
            good, rejects = _validate(kind, chunk)
            if media is not None and kind == "videos":
                good, media_rejects = media(good)
                rejects += [Reject(line, f, reason, raw) for line, f, reason, raw in media_rejects]
            if kind == "tags":  # before the reference check, so phrases using a duplicate are caught
                good, dup_rejects = _check_duplicate_names(graph, good)
                rejects += dup_rejects
            good, ref_rejects = _check_references(graph, kind, good, known)
            rejects += ref_rejects
            if labels:  # tag names, aliases and merge redirects resolve to the surviving tag id
                good, label_rejects, notes = labels.resolve_batch(good)
                rejects += [Reject(*rj) for rj in label_rejects]
                report.notes += notes
                report.redirected += len(notes)
            if kind in _KEYED:
                good, dup_rejects = _first_of_each_id(good, first_line)
                rejects += dup_rejects
            if good:
                good, conflicts = _store(graph, kind, writer, good)
                rejects += conflicts
                if kind == "tags":
                    known.update(r.id for _, r in good)
            report.rows += len(chunk)
            report.stored += len(good)
            report.rejected += len(rejects)
            for rj in rejects:
                report.reasons[_reason_key(rj)] = report.reasons.get(_reason_key(rj), 0) + 1
                rejects_file = rejects_file or open(rejects_path, "w", encoding="utf-8")
                rejects_file.write(json.dumps(rj.__dict__, ensure_ascii=False, default=str) + "\n")
            bar.update(len(chunk))
    finally:
        bar.close()
        if rejects_file:
            rejects_file.close()
    report.seconds = time.perf_counter() - started
    if not report.rejected:
        report.rejects_path = None
    if kind in LIBRARY_KINDS and report.stored:
        graph.execute(SQ.BUMP_LIBRARY)   # once per file: the tagger rebuilds its library on its next call
    return report


def _chunks(rows: Iterable[RawRow], size: int):
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _validate(kind: str, chunk: list[RawRow]) -> tuple[list[tuple[int, Row]], list[Reject]]:
    model = MODELS[kind]
    good, rejects = [], []
    for raw in chunk:
        if raw.error:
            rejects.append(Reject(raw.line, raw.error[0], raw.error[1], raw.raw))
            continue
        try:
            good.append((raw.line, model.model_validate(raw.data)))
        except ValidationError as e:
            err = e.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "<row>"
            more = f" (+{e.error_count() - 1} more)" if e.error_count() > 1 else ""
            rejects.append(Reject(raw.line, where, err["msg"] + more, _safe(raw.data)))
    return good, rejects


_KEYED = ("videos", "products", "tags")   # kinds whose rows are one node each, keyed by id


def _first_of_each_id(good: list[tuple[int, Row]], first_line: dict[str, int]):
    """Keep the first row of each id in the file; a later one is rejected, so it is counted once."""
    ok, rejects = [], []
    for line, r in good:
        if r.id in first_line:
            rejects.append(Reject(line, "id", f"duplicate id {r.id}: line {first_line[r.id]} of this file gave it "
                                              "already (that row is the one loaded)", r.model_dump(mode="json")))
            continue
        first_line[r.id] = line
        ok.append((line, r))
    return ok, rejects


def _store(graph: Graph, kind: str, writer, good: list[tuple[int, Row]]):
    """Write a batch; one that hits a constraint (another load or import stored a conflicting row meanwhile)
    is checked again, retried, then split in halves so only the conflicting rows are rejected."""
    try:
        graph.write(writer, [r for _, r in good])
        return good, []
    except ConstraintError:
        pass
    rejects = []
    if kind == "tags":  # the other load's tags are visible now: its names reject ours with the usual reason
        good, rejects = _check_duplicate_names(graph, good)
    return _store_split(graph, writer, good, rejects)


def _store_split(graph: Graph, writer, rows: list[tuple[int, Row]], rejects: list[Reject]):
    if not rows:
        return rows, rejects
    try:
        graph.write(writer, [r for _, r in rows])
        return rows, rejects
    except ConstraintError as exc:
        if len(rows) == 1:
            line, r = rows[0]
            where = "name" if "approved_key" in (exc.message or "") else "id"
            return [], rejects + [Reject(line, where, f"conflicts with a stored row: {exc.message}",
                                         r.model_dump(mode="json"))]
    half = len(rows) // 2
    left, rejects = _store_split(graph, writer, rows[:half], rejects)
    right, rejects = _store_split(graph, writer, rows[half:], rejects)
    return left + right, rejects


def _check_references(graph: Graph, kind: str, good: list[tuple[int, Row]], known: set[str]):
    """Reject rows that point at videos, tags or categories the graph does not hold."""
    if kind == "videos" or not good:
        return good, []
    needed: dict[str, set[str]] = defaultdict(set)
    for _, r in good:
        for label, ids in _refs(r):
            needed[label].update(ids)
    found = {label: set(graph.query(_EXISTS[label], ids=sorted(ids))[0]["found"]) for label, ids in needed.items()}
    stored_tags = found.get("tag", set()) | known
    ok, rejects = good, []
    while True:
        if kind == "tags":
            # A phrase may use components stored earlier in the file or accepted in this batch;
            # rejecting one tag can orphan a phrase that uses it, so repeat until nothing changes.
            found["tag"] = stored_tags | {r.id for _, r in ok}
        still_ok, new_rejects = [], []
        for line, r in ok:
            missing = [(label, f, sorted(set(ids) - found[label])) for label, ids, f in _refs_fields(r)]
            missing = [m for m in missing if m[2]]
            if missing:
                label, f, ids = missing[0]
                new_rejects.append(Reject(line, f, f"unknown {label} id(s): {', '.join(ids[:5])}",
                                          r.model_dump(mode="json")))
            else:
                still_ok.append((line, r))
        ok, rejects = still_ok, rejects + new_rejects
        if not new_rejects or kind != "tags":
            return ok, rejects


def _check_duplicate_names(graph: Graph, good: list[tuple[int, TagRow]]):
    """Two approved tags may not share a normalised name (the approved_key constraint)."""
    approved = [{"id": r.id, "key": tag_key(r.name)} for _, r in good if r.status == "approved"]
    owners = {row["id"]: row["owner"] for row in graph.query(Q.APPROVED_KEY_OWNERS, rows=approved)} if approved else {}
    first_in_batch: dict[str, str] = {}
    ok, rejects = [], []
    for line, r in good:
        if r.status == "approved":
            key = tag_key(r.name)
            other = owners.get(r.id) or (first_in_batch.get(key) if first_in_batch.get(key) != r.id else None)
            if other:
                rejects.append(Reject(line, "name", f"duplicate name: approved tag {other} has the same normalised name",
                                      r.model_dump(mode="json")))
                continue
            first_in_batch.setdefault(key, r.id)
        ok.append((line, r))
    return ok, rejects


_EXISTS = {"video": Q.EXISTING_VIDEOS, "tag": Q.EXISTING_TAGS, "category": Q.EXISTING_CATEGORIES}


def _refs_fields(r: Row) -> list[tuple[str, list[str], str]]:
    if isinstance(r, ProductRow):
        return [("video", r.video_ids, "video_ids")]
    if isinstance(r, ClickRow):
        out = [("video", [r.video_id], "video_id")]
        return out + ([("tag", [r.tag_id], "tag_id")] if r.kind == "tag" else [])
    if isinstance(r, TagRow):
        out = [("tag", r.components, "components")] if r.components else []
        return out + ([("category", [r.category], "category")] if r.category else [])
    if isinstance(r, LabelRow):
        return [("video", [r.video_id], "video_id")]  # the tag is checked by LabelResolver
    return []


def _refs(r: Row):
    return [(label, ids) for label, ids, _ in _refs_fields(r)]


# --- transaction functions: each writes one batch idempotently ----------------------------------

def write_videos(tx, rows: list[VideoRow]) -> None:
    tx.run(Q.MERGE_VIDEOS, rows=[{"id": r.id, "props": r.props()} for r in rows]).consume()
    framed = [{"id": r.id, "keyframes": [k.props() for k in r.keyframes]} for r in rows if r.keyframes is not None]
    if framed:   # in the same transaction: a video is never stored without its keyframes
        tx.run(QM.REPLACE_KEYFRAMES, rows=framed).consume()


def _write_products(tx, rows: list[ProductRow]) -> None:
    tx.run(Q.MERGE_PRODUCTS, rows=[r.model_dump() for r in rows]).consume()


def _write_tags(tx, rows: list[TagRow]) -> None:
    tx.run(Q.MERGE_TAGS, rows=[{**r.model_dump(), "key": tag_key(r.name)} for r in rows]).consume()


def click_series_rows(events, add: bool) -> dict[str, list[dict]]:
    """One row per (source, video) edge with its days, so a statement never reads an edge it wrote.

    Repeated days are summed when `add` (feedback events), else the last row wins (loads)."""
    series: dict[tuple, dict[str, int]] = defaultdict(dict)
    for e in events:
        days = series[(e.kind, e.query or e.tag_id, e.video_id)]
        day = e.day.isoformat()
        days[day] = days.get(day, 0) + e.count if add else e.count
    rows: dict[str, list[dict]] = {"query": [], "tag": []}
    for (kind, source, video_id), days in series.items():
        key = "query" if kind == "query" else "tag_id"
        rows[kind].append({key: source, "video_id": video_id, "days": list(days), "counts": list(days.values())})
    return rows


def write_click_series(tx, rows: dict[str, list[dict]], add: bool) -> None:
    """Merge grouped click rows into CLICKED edges: replace each day's count, or add to it."""
    if rows["query"]:
        tx.run(Q.MERGE_QUERY_CLICKS, rows=rows["query"], add=add).consume()
    if rows["tag"]:
        tx.run(Q.MERGE_TAG_CLICKS, rows=rows["tag"], add=add).consume()


def _write_clicks(tx, rows: list[ClickRow]) -> None:
    write_click_series(tx, click_series_rows(rows, add=False), add=False)


def _write_labels(tx, rows: list[LabelRow]) -> None:
    tx.run(Q.MERGE_LABELS, rows=[r.model_dump(include={"video_id", "tag_id", "role", "source", "weight"})
                                 for r in rows]).consume()


_WRITERS = {"videos": write_videos, "products": _write_products, "tags": _write_tags, "clicks": _write_clicks,
            "labels": _write_labels}


def _reason_key(rj: Reject) -> str:
    return f"{rj.field}: {rj.reason.split(':')[0]}"


def _safe(data):
    text = json.dumps(data, ensure_ascii=False, default=str)
    return data if len(text) <= 2000 else text[:2000] + "…"
