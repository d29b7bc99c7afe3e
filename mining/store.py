"""Neo4j adapter for mining: stream documents and the library out, store candidates back."""
from __future__ import annotations

import json
import time
import uuid
from itertools import islice
from typing import Iterator

from tqdm import tqdm

from graph.cypher import mining as Q
from graph.db import Graph

PAGE = 5000


def _doc_text(row: dict) -> str:
    """A video's text fields joined: the document mining reads."""
    return "\n".join(x for x in (row["title"], row["summary"], row["asr"], row["ocr"]) if x)


def iter_video_docs(graph: Graph, page: int = PAGE) -> Iterator[dict]:
    """Each video as one document: its text fields joined, dated by created_at."""
    after = ""
    while rows := graph.query(Q.VIDEO_TEXT_PAGE, after=after, limit=page):
        for r in rows:
            yield {"id": r["id"], "text": _doc_text(r), "date": (r["created_at"] or "")[:10] or None}
        after = rows[-1]["id"]


def iter_video_docs_with_tags(graph: Graph, prefix: str = "", page: int = PAGE) -> Iterator[dict]:
    """Videos whose id starts with `prefix` as documents, with the tag ids they carry (HAS_TAG, any source)."""
    after = ""
    while rows := graph.query(Q.VIDEO_TEXT_TAGS_PAGE, after=after, prefix=prefix, limit=page):
        for r in rows:
            yield {"id": r["id"], "text": _doc_text(r), "tags": r["tags"]}
        after = rows[-1]["id"]


def iter_query_docs(graph: Graph, page: int = PAGE) -> Iterator[dict]:
    """Each search query once per day it led to clicks, so its trend is visible to mining."""
    after = ""
    while rows := graph.query(Q.QUERY_DAYS_PAGE, after=after, limit=page):
        for r in rows:
            for day in sorted(r["days"]) or [None]:
                yield {"id": f"q:{r['text']}:{day}", "text": r["text"], "date": day}
        after = rows[-1]["text"]


def library(graph: Graph) -> list[dict]:
    """Every tag, any status, as the dicts mining expects."""
    return graph.query(Q.LIBRARY_TAGS)


def store_candidates(graph: Graph, candidates: list[dict], run_id: str, batch: int = 1000,
                     progress: bool = True) -> int:
    """MERGE candidates as (:Tag {status: 'candidate'}) with their evidence; curated tags are left alone."""
    it = iter(candidates)
    stored = 0
    with tqdm(total=len(candidates), unit=" candidates", desc="store", disable=not progress) as bar:
        while chunk := list(islice(it, batch)):
            rows = [{"id": c["id"], "name": c["name"], "kind": c["kind"], "score": float(c["score"]),
                     "pipelines": c["pipelines"], "components": c.get("components") or [],
                     "scores_json": json.dumps(c.get("scores", {}), ensure_ascii=False),
                     "evidence_json": json.dumps(c.get("evidence", {}), ensure_ascii=False, default=str),
                     "hot": bool(c.get("evidence", {}).get("hot", False))} for c in chunk]
            graph.execute(Q.MERGE_CANDIDATES, rows=rows, run_id=run_id)
            stored += len(rows)
            bar.update(len(rows))
    return stored


def run_mining(graph: Graph, taxonomy: dict, *, pipelines=("autophrase", "pattern"), top_k: int | None = None,
               with_queries: bool = True, progress: bool = True) -> dict:
    """Mine the stored corpus against the stored library and store what is new as candidates."""
    from itertools import chain

    from mining.pipeline import mine

    started = time.perf_counter()
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    counter = {"docs": 0}

    def docs():
        stream = chain(iter_video_docs(graph), iter_query_docs(graph)) if with_queries else iter_video_docs(graph)
        for d in stream:
            counter["docs"] += 1
            yield d

    candidates = mine(docs(), library(graph), taxonomy, pipelines=tuple(pipelines), top_k=top_k, progress=progress)
    stored = store_candidates(graph, candidates, run_id, progress=progress)
    seconds = round(time.perf_counter() - started, 1)
    graph.execute(Q.RECORD_MINING_RUN, id=run_id, pipelines=list(pipelines), docs=counter["docs"],
                  proposed=len(candidates), stored=stored, seconds=seconds)
    return {"run": run_id, "docs": counter["docs"], "proposed": len(candidates), "stored": stored,
            "seconds": seconds, "top": [{k: c[k] for k in ("id", "name", "score", "pipelines")} for c in candidates[:10]]}


def run_alias_mining(graph: Graph, prefix: str = "", *, min_support: int = 3, min_shared: int = 2,
                     min_share: float = 0.3, progress: bool = True) -> dict:
    """Propose shortened names of approved tags as alias candidates (mining/aliases.py) for curators to review;
    only tags and videos whose id starts with `prefix`. Decided candidates (approved, rejected) stay as they are;
    pending ones this run no longer proposes are dropped."""
    from mining.aliases import alias_candidates, candidate_id

    started = time.perf_counter()
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    tags = [t for t in library(graph) if t["id"].startswith(prefix)]
    counter = {"docs": 0}

    def docs():
        for d in iter_video_docs_with_tags(graph, prefix):
            counter["docs"] += 1
            yield d

    found = alias_candidates(tags, docs(), min_support=min_support, min_shared=min_shared, min_share=min_share,
                             progress=progress)
    rows = [{"id": candidate_id(c["tag_id"], c["alias"]), **{k: c[k] for k in (
        "tag_id", "alias", "how", "support", "shared", "share", "lift", "score")},
        "evidence_json": json.dumps(c["evidence"], ensure_ascii=False)} for c in found]
    for lo in range(0, len(rows), 1000):
        graph.execute(Q.MERGE_ALIAS_CANDIDATES, rows=rows[lo:lo + 1000], run_id=run_id)
    graph.execute(Q.DELETE_STALE_ALIAS_CANDIDATES, prefix=prefix, run_id=run_id)
    return {"run": run_id, "docs": counter["docs"], "tags": len(tags), "proposed": len(found),
            "seconds": round(time.perf_counter() - started, 1),
            "top": [{k: c[k] for k in ("tag_id", "tag_name", "alias", "support", "share", "score")} for c in found[:10]]}
