"""The six recall channels as pure functions: inputs are texts, ids and nearest-neighbour hits, outputs Candidates.

Each channel proposes a tag at most once, with a raw score on the channel's own scale and evidence
holding the numbers the ranker's features are read from (tagging/features.py)."""
from __future__ import annotations

import math
from functools import lru_cache

import jieba

from text.normalize import normalize
from tagging.candidates import Candidate
from tagging.library import TagLibrary

FIELDS = ("title", "summary", "asr", "ocr")
FIELD_WEIGHT = {"title": 1.0, "ocr": 0.8, "summary": 0.6, "asr": 0.4}  # creator-chosen text weighs most
ALIAS_FACTOR = 0.9          # an alias is a slightly weaker mention than the name
COMPONENT_FACTOR = 0.5      # a phrase named only through its parts (白色的连衣裙)
QUERY_CONTAINS, QUERY_EMBED_FACTOR, QUERY_EMBED_MIN = 0.7, 0.5, 0.6
MAX_MATCHES = 200           # per field: bounds the containment check on pathological texts


@lru_cache(maxsize=1)
def _jieba():
    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def boundaries(text: str) -> set[int]:
    """Word boundaries (character offsets) of jieba's segmentation of `text`."""
    out, pos = {0}, 0
    for tok in _jieba().cut(text, HMM=False):
        pos += len(tok)
        out.add(pos)
    return out


def content_text(lib: TagLibrary, fields: dict, segment: bool = True) -> list[Candidate]:
    """Exact and alias matches of the whole library over title, summary, ASR and OCR, plus phrases by components.

    Evidence per tag: fields it appears in, how (name/alias/components), occurrence count, whether a
    match falls on jieba word boundaries, and whether every match sits inside a longer tag's match."""
    hits: dict[int, dict] = {}
    for f in FIELDS:
        text = normalize(fields.get(f) or "")
        matches = lib.match(text)[:MAX_MATCHES] if text else []
        if not matches:
            continue
        bounds = boundaries(text) if segment else set()
        for m in matches:
            inside = any(o.start <= m.start and o.end >= m.end and o.end - o.start > m.end - m.start
                         for o in matches)
            h = hits.setdefault(m.row, {"fields": [], "via": m.via, "count": 0, "aligned": False,
                                        "inside": True, "surface": m.surface})
            if f not in h["fields"]:
                h["fields"].append(f)
            if m.via == "name":
                h["via"] = "name"
            h["count"] += 1
            h["aligned"] |= m.start in bounds and m.end in bounds
            h["inside"] &= inside
    out = [Candidate(r, "text", _field_score(h["fields"]) * (1.0 if h["via"] == "name" else ALIAS_FACTOR), h)
           for r, h in hits.items()]
    named = set(hits)
    seen = set()
    for a in named:
        for p in lib.phrases_of.get(a, ()):
            comps = lib.components[p]
            if p in named or p in seen or not all(c in named for c in comps):
                continue
            seen.add(p)
            fields_all = [f for f in FIELDS if all(f in hits[c]["fields"] for c in comps)]
            score = COMPONENT_FACTOR * (_field_score(fields_all) or min(_field_score(hits[c]["fields"]) for c in comps))
            out.append(Candidate(p, "text", score, {"fields": fields_all, "via": "components", "count": 1,
                                                    "aligned": True, "inside": False,
                                                    "surface": "+".join(lib.names[c] for c in comps)}))
    return out


def _field_score(fields: list[str]) -> float:
    return sum(FIELD_WEIGHT[f] for f in fields)


def products(lib: TagLibrary, items: list[dict]) -> list[Candidate]:
    """Tags named in the attached products' titles or category paths (服饰>裙装>连衣裙)."""
    if not items:
        return []
    found: dict[int, dict] = {}
    for p in items:
        title = normalize(p.get("title") or "")
        rows = {m.row: ["title"] for m in lib.match(title)}
        for part in (p.get("category") or "").split(">"):
            for r, _ in lib.lookup(part):
                rows.setdefault(r, []).append("category")
        for r, places in rows.items():
            h = found.setdefault(r, {"products": [], "in": []})
            h["products"].append(p.get("id"))
            h["in"].extend(w for w in dict.fromkeys(places) if w not in h["in"])
    # share of the video's products naming the tag: one item of three is weaker than all three
    return [Candidate(r, "product", len(h["products"]) / len(items), {**h, "products": h["products"][:3]})
            for r, h in found.items()]


def queries(lib: TagLibrary, clicked: list[tuple[str, int]],
            embed_hits: dict[str, list[tuple[int, float]]] | None = None) -> list[Candidate]:
    """Search queries that clicked through to the video, mapped to tags exactly, by containment and by embedding.

    Score = the share of the video's click mass (log-damped) whose queries point at the tag."""
    if not clicked:
        return []
    total = sum(math.log1p(c) for _, c in clicked)
    found: dict[int, dict] = {}

    def add(r: int, q: str, count: int, via: str, factor: float) -> None:
        h = found.setdefault(r, {"mass": 0.0, "queries": [], "via": [], "clicks": 0})
        if q in h["queries"]:
            return
        h["mass"] += math.log1p(count) * factor
        h["clicks"] += count
        if len(h["queries"]) < 3:
            h["queries"].append(q)
        if via not in h["via"]:
            h["via"].append(via)

    for q, count in clicked:
        exact = lib.lookup(q)
        for r, via in exact:
            add(r, q, count, "exact" if via == "name" else "alias", 1.0)
        for m in lib.match(normalize(q)):
            add(m.row, q, count, "contains", QUERY_CONTAINS)
        for r, cos in (embed_hits or {}).get(q, ()):
            if cos >= QUERY_EMBED_MIN:
                add(r, q, count, "embedding", QUERY_EMBED_FACTOR * cos)
    return [Candidate(r, "query", h.pop("mass") / total, h) for r, h in found.items()]


def nearest(channel: str, hits: list[tuple[int, float]]) -> list[Candidate]:
    """Cross-modal (GNN video -> tag) or visual nearest tags as candidates scored by cosine."""
    return [Candidate(r, channel, float(s), {"cosine": round(float(s), 4), "rank": i + 1})
            for i, (r, s) in enumerate(hits)]


def similar_videos(neighbours: list[tuple[str, float]], tags_of: dict[str, list[tuple[int, float]]]) -> list[Candidate]:
    """Approved tags of the most similar videos, weighted by similarity: sum(sim * weight) / sum(sim)."""
    total = sum(max(s, 0.0) for _, s in neighbours)
    if total <= 0:
        return []
    found: dict[int, dict] = {}
    for vid, sim in neighbours:
        for r, w in tags_of.get(vid, ()):
            h = found.setdefault(r, {"mass": 0.0, "videos": [], "n": 0})
            h["mass"] += max(sim, 0.0) * w
            h["n"] += 1
            if len(h["videos"]) < 3:
                h["videos"].append(vid)
    return [Candidate(r, "similar", h.pop("mass") / total, h) for r, h in found.items()]
