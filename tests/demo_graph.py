"""Write a demo corpus straight into Neo4j under a test's id prefix (bypassing the loaders' approved-name
rule, so tests sharing the server never clash), and settings with the shared encoder cache."""
from __future__ import annotations

import json
from pathlib import Path

from tagkg.config import ROOT

WRITE_TAGS = """
UNWIND $rows AS r
MERGE (t:Tag {id: r.id}) SET t.name = r.name, t.status = r.status, t.kind = r.kind, t.aliases = r.aliases
FOREACH (_ IN CASE WHEN r.kind = 'phrase' THEN [1] ELSE [] END | SET t:Phrase)
FOREACH (_ IN CASE WHEN r.kind = 'atomic' THEN [1] ELSE [] END | SET t:Atomic)
"""
WRITE_COMPOSED = """
UNWIND $rows AS r
MATCH (p:Tag {id: r.phrase}), (a:Tag {id: r.atomic}) MERGE (p)-[:COMPOSED_OF {position: r.position}]->(a)
"""
WRITE_VIDEOS = "UNWIND $rows AS r MERGE (v:Video {id: r.id}) SET v += r.props"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def write_tags_and_videos(graph, ns: str, corpus: Path) -> None:
    """Tags with their components, and videos, all ids prefixed with ns."""
    tags = rows(corpus / "tags.jsonl")
    graph.execute(WRITE_TAGS, rows=[{**r, "id": ns + r["id"]} for r in tags])
    graph.execute(WRITE_COMPOSED, rows=[{"phrase": ns + r["id"], "atomic": ns + c, "position": i}
                                        for r in tags for i, c in enumerate(r["components"])])
    graph.execute(WRITE_VIDEOS, rows=[{"id": ns + v.pop("id"), "props": v} for v in rows(corpus / "videos.jsonl")])


def load_labels(graph, corpus: Path, ns: str, out: Path) -> dict[str, tuple[set, set]]:
    """The corpus's labels with prefixed ids, loaded through `tagkg load labels`; returns the gold per video."""
    from loaders.load import load_file

    with open(out, "w", encoding="utf-8") as f:
        for r in rows(corpus / "labels.jsonl"):
            f.write(json.dumps({**r, "video_id": ns + r["video_id"], "tag_id": ns + r["tag_id"]}) + "\n")
    report = load_file(graph, "labels", out, progress=False)
    assert report.ok, report.summary()
    return {ns + r["video_id"]: (set(ns + t for t in r["core"]), set(ns + t for t in r["related"]))
            for r in rows(corpus / "ground_truth.jsonl")}


def model_settings(settings, tmp_path: Path):
    """Models under tmp_path; the sentence-encoder cache shared across tests and runs (data-test/ is git-ignored)."""
    cache = ROOT / "data-test" / "gnn-cache"
    cache.mkdir(parents=True, exist_ok=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cache").symlink_to(cache)
    return settings.with_(data_dir=tmp_path / "data")
