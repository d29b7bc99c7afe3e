"""Thin Neo4j adapters of tagging: batched reads of library and video inputs, HAS_TAG writes."""
from __future__ import annotations

import json

from graph.cypher import tagging as Q

MAX_QUERIES = 20  # most-clicked queries per video that reach the behaviour channel
LIBRARY_CHUNK = 5000   # tags per JSON row of the library read


def read_library(graph, prefix: str = "") -> list[dict]:
    """Approved tags {id, name, kind, aliases, components} in id order, components in reading order."""
    rows = [r for chunk in graph.query(Q.TAGGING_LIBRARY, prefix=prefix, chunk=LIBRARY_CHUNK)
            for r in json.loads(chunk["tags"])]
    for r in rows:
        r["components"] = [a for _, a in sorted(r["components"])]
    return rows


def read_videos(graph, ids: list[str]) -> list[dict]:
    """Recall inputs of stored videos (text, visual, products, top queries), in the order of `ids`; unknown ids dropped."""
    rows = {r["id"]: r for r in graph.query(Q.TAGGING_VIDEO_INPUTS, ids=ids, max_queries=MAX_QUERIES)}
    return [{**rows[i], "queries": [tuple(q) for q in rows[i]["queries"]]} for i in ids if i in rows]


def read_video_tags(graph, prefix: str = "") -> dict[str, list[tuple[str, float]]]:
    """video id -> [(tag id, weight)] of the tags a video can lend to its similar videos."""
    out: dict[str, list] = {}
    for r in graph.query(Q.TAGGING_APPROVED_VIDEO_TAGS, prefix=prefix):
        out.setdefault(r["video"], []).append((r["tag"], float(r["weight"])))
    return out


def read_tag_clicks(graph, prefix: str = "") -> list[tuple[str, str, int]]:
    """(video id, tag id, clicks) of every tag click edge: the feedback pairs."""
    return [(r["video"], r["tag"], int(r["count"] or 0)) for r in graph.query(Q.TAGGING_TAG_CLICKS, prefix=prefix)]


def iter_video_ids(graph, prefix: str = "", page: int = 2000, after: str = "", upto: str | None = None):
    """Stored video ids in keyset pages, those > after and <= upto when given (one id range)."""
    while True:
        ids = [r["id"] for r in graph.query(Q.TAGGING_VIDEO_IDS_PAGE, after=after, upto=upto, prefix=prefix,
                                            limit=page)]
        if not ids:
            return
        yield ids
        after = ids[-1]


def iter_id_ranges(graph, prefix: str = "", size: int = 2000):
    """Consecutive id ranges {after, upto, n} of about `size` stored videos each, covering every video once."""
    after = ""
    while True:
        r = graph.query(Q.TAGGING_VIDEO_ID_RANGE, after=after, prefix=prefix, size=size)[0]
        if not r["n"]:
            return
        yield {"after": after, "upto": r["upto"], "n": r["n"]}
        after = r["upto"]


def write_tags(graph, results: list[dict], model: str) -> int:
    """Replace the machine HAS_TAG edges of these videos with their new core and related tags, in one transaction."""
    rows = [{"video": r["video"], "tag": t["tag"], "score": t["score"], "role": role, "channels": t["channels"],
             "evidence": json.dumps(t["evidence"], ensure_ascii=False)}
            for r in results for role in ("core", "related") for t in r[role]]

    def work(tx):
        tx.run(Q.TAGGING_DELETE_MACHINE, ids=[r["video"] for r in results]).consume()
        tx.run(Q.TAGGING_WRITE, rows=rows, model=model).consume()

    graph.write(work)
    return len(rows)

