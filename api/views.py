"""Plain-dict builders shared by the JSON API, the CLI and (later) the curator page."""
from __future__ import annotations

from graph import queries as Q
from graph.db import Graph

def graph_stats(graph: Graph) -> dict:
    """Node and edge counts of the main labels."""
    return graph.query(Q.COUNT_LABELS)[0]


def video_detail(graph: Graph, video_id: str) -> dict | None:
    rows = graph.query(Q.VIDEO_DETAIL, id=video_id)
    if not rows or rows[0]["video"] is None:
        return None
    row = rows[0]
    return {**row["video"], "products": row["products"], "tags": row["tags"]}


def tag_detail(graph: Graph, tag_id: str) -> dict | None:
    rows = graph.query(Q.TAG_DETAIL, id=tag_id)
    if not rows:
        return None
    row = rows[0]
    return {**row["tag"], "taxonomy_path": row["taxonomy_path"] or [],
            "category_confidence": row["category_confidence"], "components": row["components"]}
