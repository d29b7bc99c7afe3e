"""Stream the graph out of Neo4j (videos, tags, queries, clicks, COMPOSED_OF) and write SIMILAR_TO back."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from graph.cypher import gnn as Q
from graph.labels import read_labels
from video.record import VideoRecord, from_row
from video.vectors import visual_matrix

PAGE = 2000        # videos per keyset page
WRITE_BATCH = 5000  # rows per UNWIND write


@dataclass
class GraphData:
    """Everything the GNN needs from Neo4j, as plain lists and int arrays (indexes into the id lists)."""

    video_ids: list[str]
    videos: list[VideoRecord]              # per video: normalised text fields and media features
    visual: np.ndarray | None              # (n_videos, visual_dim) float32, zeros where missing
    tag_ids: list[str]
    tag_names: list[str]
    tag_approved: np.ndarray               # (n_tags,) bool
    query_texts: list[str]
    query_video: np.ndarray                # (n, 2) int64: query row, video row
    tag_video: np.ndarray                  # (n, 2) int64: tag row, video row (tag clicks)
    has_tag: np.ndarray                    # (n, 2) int64: video row, tag row (human HAS_TAG labels)
    labels: np.ndarray                     # (n, 3) int64: video row, tag row, is_core (the same labels, with role)
    composed_of: np.ndarray                # (n, 2) int64: phrase row, atomic row
    video_index: dict[str, int] = field(default_factory=dict)
    tag_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.video_index = {v: i for i, v in enumerate(self.video_ids)}
        self.tag_index = {t: i for i, t in enumerate(self.tag_ids)}


def export(graph, prefix: str = "", progress: bool = True) -> GraphData:
    """Read the graph (or the part whose ids start with `prefix`) page by page."""
    tags = graph.query(Q.GNN_TAGS, prefix=prefix)
    tag_index = {t["id"]: i for i, t in enumerate(tags)}
    video_ids, records = [], []
    queries: dict[str, int] = {}
    qv, tv, ht = [], [], []
    after = ""
    bar = tqdm(desc="export videos", unit="video", disable=not progress)
    while True:
        page = graph.query(Q.GNN_VIDEOS_PAGE, after=after, prefix=prefix, limit=PAGE)
        if not page:
            break
        base = len(video_ids)
        for r in page:
            video_ids.append(r["id"])
            records.append(from_row(r))
        local = {r["id"]: base + i for i, r in enumerate(page)}
        for r in graph.query(Q.GNN_CLICKS_PAGE, after=after, prefix=prefix, limit=PAGE):
            v = local[r["video"]]
            if r["kind"] == "query":
                qv.append((queries.setdefault(r["src"], len(queries)), v))
            elif r["src"] in tag_index:
                (tv if r["kind"] == "tag" else ht).append((tag_index[r["src"]], v))
        after = page[-1]["id"]
        bar.update(len(page))
    bar.close()
    visual, _ = visual_matrix(records)
    composed = [(tag_index[r["phrase"]], tag_index[r["atomic"]])
                for r in graph.query(Q.GNN_COMPOSED_OF, prefix=prefix) if r["atomic"] in tag_index]
    pairs = lambda rows: np.asarray(rows, np.int64).reshape(-1, 2)
    video_index = {v: i for i, v in enumerate(video_ids)}
    return GraphData(
        video_ids=video_ids, videos=records, visual=visual,
        tag_ids=[t["id"] for t in tags], tag_names=[t["name"] or "" for t in tags],
        tag_approved=np.array([t["status"] == "approved" for t in tags], bool),
        query_texts=list(queries), query_video=pairs(qv), tag_video=pairs(tv),
        has_tag=pairs([(v, t) for t, v in ht]), composed_of=pairs(composed),
        labels=label_rows(read_labels(graph, prefix), video_index, tag_index))


def label_rows(labels: dict[str, tuple[list[str], list[str]]], video_index: dict, tag_index: dict) -> np.ndarray:
    """(n, 3) video row, tag row, is_core of the labels whose video and tag are in this export."""
    rows = [(video_index[v], tag_index[t], core) for v, (c, r) in labels.items() if v in video_index
            for core, tags in ((1, c), (0, r)) for t in tags if t in tag_index]
    return np.asarray(rows, np.int64).reshape(-1, 3)


def write_similar(graph, names: list[str], src: np.ndarray, dst: np.ndarray, score: np.ndarray,
                  method: str, prefix: str = "", progress: bool = True) -> int:
    """Replace the (:Tag)-[:SIMILAR_TO {method}]->(:Tag) edges with these kNN pairs of tag rows."""
    while graph.execute(Q.GNN_DELETE_SIMILAR, prefix=prefix, method=method, limit=50_000)[0]["deleted"]:
        pass
    rows = [{"a": names[a], "b": names[b], "score": round(float(s), 4)} for a, b, s in zip(src, dst, score)]
    for lo in tqdm(range(0, len(rows), WRITE_BATCH), desc="SIMILAR_TO Tag", disable=not progress):
        graph.execute(Q.GNN_MERGE_SIMILAR, rows=rows[lo:lo + WRITE_BATCH], method=method)
    return len(rows)


def export_files(folder: Path, labels: dict[str, tuple[list[str], list[str]]],
                 progress: bool = True) -> GraphData:
    """The same GraphData read from a demo-data folder (tags/videos/clicks JSONL) without Neo4j, for benches;
    labels as graph.labels.read_labels returns them."""
    folder = Path(folder)
    tags = [json.loads(line) for line in open(folder / "tags.jsonl", encoding="utf-8") if line.strip()]
    tag_index = {t["id"]: i for i, t in enumerate(tags)}
    video_ids, records = [], []
    with open(folder / "videos.jsonl", encoding="utf-8") as f:
        for line in tqdm(f, desc="read videos", unit="video", disable=not progress):
            r = json.loads(line)
            video_ids.append(r["id"])
            records.append(from_row(r))
    video_index = {v: i for i, v in enumerate(video_ids)}
    queries: dict[str, int] = {}
    qv, tv = set(), set()
    with open(folder / "clicks.jsonl", encoding="utf-8") as f:
        for line in tqdm(f, desc="read clicks", unit="row", disable=not progress):
            r = json.loads(line)
            v = video_index.get(r["video_id"])
            if v is None:
                continue
            if r["kind"] == "query":
                qv.add((queries.setdefault(r["query"], len(queries)), v))
            elif r.get("tag_id") in tag_index:
                tv.add((tag_index[r["tag_id"]], v))
    visual, _ = visual_matrix(records)
    pairs = lambda rows: np.asarray(sorted(rows), np.int64).reshape(-1, 2)
    composed = {(tag_index[t["id"]], tag_index[c]) for t in tags for c in t.get("components", []) if c in tag_index}
    return GraphData(
        video_ids=video_ids, videos=records, visual=visual,
        tag_ids=[t["id"] for t in tags], tag_names=[t["name"] for t in tags],
        tag_approved=np.array([t.get("status") == "approved" for t in tags], bool),
        query_texts=list(queries), query_video=pairs(qv), tag_video=pairs(tv),
        has_tag=np.zeros((0, 2), np.int64), composed_of=pairs(composed),
        labels=label_rows(labels, video_index, tag_index))
