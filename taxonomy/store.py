"""Neo4j adapter for taxonomy work: classify atomic tags, structure phrases, score phrase dimensions.

Stored phrase-dimension properties (on the phrase tag):
  dim_product / dim_product_score     product (goods) vs content tag, score in 0..1
  dim_trending / dim_burst / dim_click_burst
                                      burst vs long-term; Poisson z of the busiest 7-day window of the
                                      tag's videos and of its clicks
  dim_audience / dim_audience_score   audience interest (reached by search) vs video content (named in text)
  dim_question / dim_question_score   question vs statement
  dim_at                              when they were computed
"""
from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

from tqdm import tqdm

from graph.cypher import taxonomy as Q
from graph.db import Graph
from text.normalize import normalize, tag_key
from taxonomy.classify import PROTECTED_METHODS, classify, use_embedder
from taxonomy.dimensions import Evidence, MentionIndex, QuestionClassifier, question_rule, score_phrases
from taxonomy.phrase import Structure, broader_edges, build_segmenter, proposals

BATCH = 1000
PAGE = 2000


def _batches(rows: list[dict], size: int = BATCH):
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def classify_atomic(graph: Graph, *, reclassify: bool = False, k: int = 10, prefix: str = "",
                    embed=None, progress: bool = True) -> dict:
    """Give every atomic tag without a category (with `reclassify`: every one not curated) a leaf.

    The already-classified tags (any method, minus those being reclassified) are the kNN references.
    """
    tags = graph.query(Q.TAXO_ATOMICS, prefix=prefix)
    todo = [t for t in tags if t["category"] is None or (reclassify and t["method"] not in PROTECTED_METHODS)]
    todo_ids = {t["id"] for t in todo}
    ref = [t for t in tags if t["category"] is not None and t["id"] not in todo_ids]
    if not todo:
        return {"classified": 0, "references": len(ref), "methods": {}}
    embed = embed or use_embedder()
    got = classify([t["name"] for t in todo], [t["name"] for t in ref], [t["category"] for t in ref], embed, k=k)
    rows = [{"id": t["id"], "category": a.leaf, "confidence": float(a.confidence), "method": a.method}
            for t, a in zip(todo, got) if a.leaf]
    written = 0
    with tqdm(total=len(rows), desc="classify", unit=" tags", disable=not progress) as bar:
        for chunk in _batches(rows):
            written += graph.execute(Q.TAXO_SET_CATEGORY, rows=chunk, protected=list(PROTECTED_METHODS))[0]["written"]
            bar.update(len(chunk))
    methods: dict[str, int] = {}
    for r in rows:
        methods[r["method"]] = methods.get(r["method"], 0) + 1
    return {"classified": written, "unresolved": len(todo) - len(rows), "references": len(ref),
            "methods": dict(sorted(methods.items(), key=lambda x: -x[1]))}


def structure_phrases(graph: Graph, *, prefix: str = "", progress: bool = True) -> dict:
    """COMPOSED_OF for phrases lacking it, `head` on every phrase, BROADER {method:'head'} edges, and
    candidate atomic tags for parts the library lacks."""
    atomics = graph.query(Q.TAXO_ATOMICS, prefix="")  # any namespace's atomics may be a part
    phrases = graph.query(Q.TAXO_PHRASES, prefix=prefix)
    # only reviewed atomics become components: a candidate part may still be rejected
    seg = build_segmenter([t for t in atomics if t["status"] in (None, "approved")])
    structs, rows = {}, []
    for p in tqdm(phrases, desc="split", unit=" phrases", disable=not progress):
        s = seg.split(p["name"])
        structs[p["id"]] = s
        if p["components"]:  # keep the stored structure; its head is its last component
            rows.append({"id": p["id"], "head": p["components"][-1], "components": p["components"],
                         "write_components": False})
            structs[p["id"]] = Structure(tuple(p["components"]), p["components"][-1])
        elif not s.missing and s.components:
            rows.append({"id": p["id"], "head": s.head, "components": list(s.components), "write_components": True})
    for chunk in _batches(rows):
        graph.execute(Q.TAXO_SET_STRUCTURE, rows=chunk)
    graph.execute(Q.TAXO_DELETE_HEAD_BROADER, prefix=prefix)
    edges = [{"narrow": a, "broad": b} for a, b in broader_edges(structs)]
    for chunk in _batches(edges):
        graph.execute(Q.TAXO_MERGE_BROADER, rows=chunk)
    known = {tag_key(s) for t in graph.query(Q.TAG_KEYS) for s in [t["name"], *t["aliases"]]}
    missing = {pid: s for pid, s in structs.items() if s.missing}
    new = [c for c in proposals(missing) if c["key"] not in known]
    for chunk in _batches(new):
        graph.execute(Q.TAXO_MERGE_PART_CANDIDATES, rows=chunk)
    return {"phrases": len(phrases), "structured": sum(r["write_components"] for r in rows),
            "heads": len(rows), "broader_edges": len(edges), "with_missing_parts": len(missing),
            "candidates": len(new)}


def phrase_dimensions(graph: Graph, *, prefix: str = "", start: str | None = None, n_days: int | None = None,
                      progress: bool = True) -> dict:
    """Score every phrase on the four dimensions from the stored videos, clicks and products."""
    phrases = graph.query(Q.TAXO_PHRASES, prefix=prefix)
    atomics = {t["id"]: t for t in graph.query(Q.TAXO_ATOMICS, prefix="")}
    pages = list(_video_pages(graph, prefix, progress))
    days = sorted({(v["created_at"] or "")[:10] for page in pages for v in page if v["created_at"]} |
                  {d for page in pages for v in page for c in v["clicks"] for d in c["days"] or []})
    first = date.fromisoformat(start or (days[0] if days else date.today().isoformat()))
    span = n_days or ((date.fromisoformat(days[-1]) - first).days + 1 if days else 1)
    surfaces, heads, comps = {}, {}, {}
    for p in phrases:
        for s in [p["name"], *p["aliases"]]:
            surfaces.setdefault(normalize(s), p["id"])
        names = [atomics[c]["name"] for c in p["components"] if c in atomics]
        if names:
            heads[p["id"]] = names[-1]
        if len(names) > 1:
            comps[p["id"]] = tuple(normalize(n) for n in names)
    ev = Evidence(MentionIndex(surfaces), heads, comps, first, span)
    for page in pages:
        for v in page:
            text = "\n".join(v[k] or "" for k in ("title", "summary", "asr", "ocr"))
            ev.add_video(v["id"], text, v["created_at"], v["products"])
    for page in tqdm(pages, desc="clicks", unit=" pages", disable=not progress):
        for v in page:
            for c in v["clicks"]:
                for day, count in zip(c["days"] or [], c["counts"] or []):
                    ev.add_click(v["id"], day, count, tag_id=c["tag"], query=c["query"])
    names = {p["id"]: p["name"] for p in phrases}
    head_leaves = {p["id"]: atomics[p["components"][-1]]["category"] if p["components"] and
                   p["components"][-1] in atomics else None for p in phrases}
    scored = score_phrases(ev, names, head_leaves, question_model=_question_model(list(names.values())))
    rows = [{"id": pid, "props": props} for pid, props in scored.items()]
    for chunk in _batches(rows):
        graph.execute(Q.TAXO_SET_DIMENSIONS, rows=chunk)
    counts = {k: sum(1 for r in rows if r["props"][k]) for k in
              ("dim_product", "dim_trending", "dim_audience", "dim_question")}
    return {"phrases": len(rows), "positives": counts, "span": [first.isoformat(), (first + timedelta(span - 1)).isoformat()]}


def _question_model(names: list[str]) -> QuestionClassifier | None:
    """A classifier trained on the rule's own labels (weak supervision): it learns the characters
    around interrogatives; None when there are too few examples of either kind."""
    labels = [question_rule(n) for n in names]
    if min(sum(labels), len(labels) - sum(labels)) < 5:
        return None
    return QuestionClassifier().fit(names, labels)


def _video_pages(graph: Graph, prefix: str, progress: bool):
    after = ""
    bar = tqdm(desc="videos", unit=" videos", disable=not progress)
    while rows := graph.query(Q.TAXO_VIDEOS_PAGE, after=after, prefix=prefix, limit=PAGE):
        bar.update(len(rows))
        yield rows
        after = rows[-1]["id"]
    bar.close()
