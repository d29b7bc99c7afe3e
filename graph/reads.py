"""The read model: plain-dict builders, one per reasoning query, shared by the JSON API, the CLI, the curator page and tagging."""
from __future__ import annotations

import json

from graph.cypher import load as LQ, reads as RQ
from graph.db import Graph
from graph.labels import MACHINE_SOURCE

RELATIONS = tuple(RQ.RELATED)
COOCCURRENCE_SAMPLE = 2000  # videos of a tag examined for co-occurrence; bounds the cost on huge tags


def _page(rows: list, limit: int, offset: int) -> dict:
    """Rows were fetched with limit + 1: the extra row only tells that another page exists."""
    return {"items": rows[:limit], "next_offset": offset + limit if len(rows) > limit else None}


def graph_stats(graph: Graph) -> dict:
    """Node and edge counts of the main labels."""
    return graph.query(RQ.COUNT_LABELS)[0]


def video_detail(graph: Graph, video_id: str) -> dict | None:
    """A video with its products and tags; None when unknown."""
    rows = graph.query(RQ.VIDEO_DETAIL, id=video_id)
    if not rows or rows[0]["video"] is None:
        return None
    row = rows[0]
    return {**row["video"], "products": row["products"], "tags": row["tags"]}


def search_tags(graph: Graph, q: str, *, status: str | None = None, kind: str | None = None,
                limit: int = 20, offset: int = 0) -> dict:
    """Tags whose name starts with or contains `q` (full-text over names and aliases), best first."""
    lucene = '"' + q.replace("\\", "\\\\").replace('"', '\\"') + '"'
    rows = graph.query(RQ.SEARCH_TAGS, q=q, lucene=lucene, status=status, kind=kind,
                       cap=offset + limit + 100, offset=offset, limit=limit + 1)
    return _page([{**r["tag"], "score": r["score"]} for r in rows], limit, offset)


def tag_detail(graph: Graph, tag_id: str) -> dict | None:
    """Kind, status, taxonomy path, components, head, aliases, dimensions and usage of one tag; None when unknown."""
    rows = graph.query(RQ.TAG_DETAIL, id=tag_id)
    if not rows:
        return None
    r = rows[0]
    taxonomy = r["taxonomy"] or []
    return {**r["tag"], "aliases": r["tag"]["aliases"] or [], "taxonomy_path": [c["id"] for c in taxonomy],
            "taxonomy": taxonomy,
            "category": r["category"], "components": r["components"], "head": r["head"],
            "dimensions": r["dimensions"], "merged_into": r["merged_into"],
            "tagged_videos": r["tagged_videos"], "clicked_videos": r["clicked_videos"]}


def related_tags(graph: Graph, tag_id: str, relations: tuple[str, ...] = RELATIONS, *,
                 limit: int = 10, offset: int = 0) -> dict | None:
    """Related tags grouped by relation, each group paged; None when the tag is unknown."""

    def work(tx):
        if tx.run(RQ.TAG_EXISTS, id=tag_id).single() is None:
            return None
        return {rel: [r.data() for r in tx.run(RQ.RELATED[rel], id=tag_id, offset=offset, limit=limit + 1,
                                               sample=COOCCURRENCE_SAMPLE)]
                for rel in relations}

    # One read transaction for every relation: one round of session set-up instead of seven.
    found = graph.read(work)
    if found is None:
        return None
    return {"id": tag_id, "relations": {rel: _page(rows, limit, offset) for rel, rows in found.items()}}


_STEP = {
    "COMPOSED_OF": "{a} is composed of {b}",
    "BROADER": "{a} is narrower than {b}",
    "SIMILAR_TO": "{a} is similar to {b}",
    "IN_CATEGORY": "{a} is in class {b}",
    "SUBCLASS_OF": "{a} is a subclass of {b}",
    "HAS_TAG": "video {a} is tagged {b}",
    "CLICKED": "{a} led to clicks on video {b}",
    "MERGED_INTO": "{a} was merged into {b}",
}


def tag_path(graph: Graph, from_id: str, to_id: str) -> dict | None:
    """The shortest connection between two tags (up to 6 hops) with one readable sentence per step.

    None when either tag is unknown; `path` is None when they are not connected within 6 hops."""
    if set(graph.query(LQ.EXISTING_TAGS, ids=[from_id, to_id])[0]["found"]) != {from_id, to_id}:
        return None
    if from_id == to_id:
        return {"from": from_id, "to": to_id, "path": {"nodes": [], "edges": [], "steps": [], "length": 0},
                "explanation": "the same tag"}
    rows = graph.query(RQ.TAG_PATH, a=from_id, b=to_id)
    if not rows:
        return {"from": from_id, "to": to_id, "path": None, "explanation": "not connected within 6 hops"}
    nodes, edges = rows[0]["nodes"], rows[0]["edges"]
    names = {n["id"]: n["name"] or n["id"] for n in nodes}
    steps = []
    for e in edges:
        text = _STEP.get(e["type"], "{a} " + e["type"] + " {b}").format(a=names.get(e["from"], e["from"]),
                                                                       b=names.get(e["to"], e["to"]))
        if e.get("score") is not None:
            text += f" (score {e['score']:.2f})"
        steps.append(text)
    return {"from": from_id, "to": to_id, "path": {"nodes": nodes, "edges": edges, "steps": steps,
                                                   "length": len(edges)},
            "explanation": "; ".join(steps)}


def category_tags(graph: Graph, category_id: str, *, deep: bool = True, status: str | None = None,
                  limit: int = 50, offset: int = 0) -> dict | None:
    """A taxonomy class and a page of its tags (with its subclasses' when `deep`); None when unknown."""
    rows = graph.query(RQ.CATEGORY, id=category_id)
    if not rows:
        return None
    tags = graph.query(RQ.CATEGORY_TAGS, id=category_id, deep=deep, status=status, offset=offset, limit=limit + 1)
    page = _page([{**r["tag"], "category": r["category"], "confidence": r["confidence"]} for r in tags], limit, offset)
    return {**rows[0]["category"], "parent": rows[0]["parent"], "children": rows[0]["children"], **page}


def tag_videos(graph: Graph, tag_id: str, *, sort: str = "relevance", limit: int = 20, offset: int = 0) -> dict | None:
    """Videos of a tag ranked for topic selection (relevance, clicks or recent); None when the tag is unknown."""
    if not graph.query(RQ.TAG_EXISTS, id=tag_id):
        return None
    rows = graph.query(RQ.TAG_VIDEOS, id=tag_id, sort=sort, offset=offset, limit=limit + 1)
    return {"id": tag_id, **_page(rows, limit, offset)}


def video_tags(graph: Graph, video_id: str, *, role: str | None = None, limit: int = 50, offset: int = 0) -> dict | None:
    """A video's current tags (HAS_TAG), core first then by score; None when the video is unknown."""
    rows = graph.query(RQ.VIDEO_TAGS, id=video_id, role=role, offset=offset, limit=limit + 1)
    if not rows:
        return None
    return {"id": video_id, **_page(rows[0]["tags"], limit, offset)}


def why_tag(graph: Graph, video_id: str, tag_id: str) -> dict | None:
    """Why tag T is (or could be) on video V: the edge's channels and evidence and the graph facts behind it."""
    rows = graph.query(RQ.WHY_TAG, video=video_id, tag=tag_id)
    if not rows:
        return None
    r = rows[0]
    has = r["has_tag"]
    r["similar_videos"] = _lenders(has)
    reasons = []
    if has and has.get("source") != MACHINE_SOURCE:
        reasons.append(f"labelled {has.get('role') or ''} by hand ({has['source']})")
    elif has:
        reasons.append(f"tagged {has.get('role') or ''} with score {has.get('score')} by model "
                       f"{has.get('model')} via {', '.join(has.get('channels') or []) or 'unknown channels'}")
    if r["tag_clicks"]:
        reasons.append(f"users clicked this video from the tag {r['tag_clicks']['count']} times")
    if r["queries"]:
        reasons.append(f"{len(r['queries'])} search queries naming the tag led to this video")
    if r["products"]:
        reasons.append(f"{len(r['products'])} attached products name the tag")
    if r["similar_videos"]:
        reasons.append(f"{len(r['similar_videos'])} similar videos carry the tag")
    if r["text_fields"]:
        reasons.append(f"the tag appears in the video's {', '.join(r['text_fields'])}")
    return {"video": r["video"], "tag": r["tag"], "tagged": has is not None, "has_tag": has,
            "evidence": {"tag_clicks": r["tag_clicks"], "queries": r["queries"], "products": r["products"],
                         "similar_videos": r["similar_videos"], "text_fields": r["text_fields"]},
            "explanation": "; ".join(reasons) or "no evidence links this tag to this video"}


def _lenders(has: dict | None) -> list[dict]:
    """The similar videos the tagger's similar-video channel named as carrying the tag (its evidence)."""
    ev = (has or {}).get("evidence") or {}
    ev = json.loads(ev) if isinstance(ev, str) else ev
    items = (ev.get("similar") or {}).get("items") or []
    return [{"id": v} for v in dict.fromkeys(v for item in items for v in item.get("videos", []))]


def similar_videos(graph: Graph, video_id: str, neighbours: list[tuple[str, float]] | None = None,
                   model: str | None = None, *, limit: int = 10, offset: int = 0) -> dict | None:
    """Similar videos. There is one definition: the nearest videos in the GNN space of the latest model, the
    index the tagger's similar-video channel and `tagkg similar` search too; `neighbours` ([(id, cosine)] best
    first, at least offset + limit + 1 of them) come from it (gnn.embed.Retriever.similar_videos). A video the
    index has not seen gets the videos sharing its tags and products instead (method 'shared_tags')."""
    if not graph.query(RQ.VIDEO_EXISTS, id=video_id):
        return None
    if neighbours:
        page = neighbours[offset:offset + limit + 1]
        info = {r["id"]: r["video"] for r in graph.query(RQ.VIDEOS_BY_ID, ids=[v for v, _ in page])}
        rows = [{"video": info[v], "score": round(s, 4), "evidence": {"cosine": round(s, 4), "model": model}}
                for v, s in page if v in info]
        return {"id": video_id, "method": "gnn", **_page(rows, limit, offset)}
    rows = graph.query(RQ.VIDEOS_SHARING, id=video_id, offset=offset, limit=limit + 1)
    return {"id": video_id, "method": "shared_tags", **_page(rows, limit, offset)}


def taxonomy_tree(graph: Graph, root: str | None = None) -> dict | None:
    """The class tree with each class's own and subtree tag counts (thin branches show); None for an unknown root."""
    rows = graph.query(RQ.TAXONOMY)
    nodes = {r["id"]: {"id": r["id"], "zh": r["zh"], "en": r["en"], "level": r["level"], "tags": r["tags"],
                       "children": []} for r in rows}
    tops = []
    for r in rows:
        (nodes[r["parent"]]["children"] if r["parent"] in nodes else tops).append(nodes[r["id"]])

    def total(n: dict) -> int:
        n["total"] = n["tags"] + sum(total(c) for c in n["children"])
        return n["total"]

    for t in tops:
        total(t)
    if root is None:
        return {"id": None, "children": tops, "total": sum(t["total"] for t in tops)}
    return nodes.get(root)
