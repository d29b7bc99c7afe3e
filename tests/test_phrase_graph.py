"""Phrase structure and dimensions against the real Neo4j: COMPOSED_OF, head, BROADER, candidate parts."""
from __future__ import annotations

import json

import pytest

from loaders.load import load_file
from mining.merge import candidate_id
from text.normalize import tag_key
from taxonomy.store import phrase_dimensions, structure_phrases


@pytest.fixture
def library(graph, ns, write_file):
    """Atomic tags and phrases whose names are unique to this test (a suffix spelled from ns)."""
    zh = "".join("零一二三四五六七八九甲乙丙丁戊己"[int(c, 16)] for c in ns[4:12])
    a = {k: f"{w}{zh}" for k, w in (("white", "白色"), ("long", "长款"), ("dress", "连衣裙"), ("pick", "挑选"))}
    rows = [{"id": f"{ns}{k}", "name": n, "kind": "atomic", "category": "object.clothing.dress"} for k, n in a.items()]
    rows += [
        {"id": f"{ns}wd", "name": a["white"] + a["dress"], "kind": "phrase"},
        {"id": f"{ns}wld", "name": a["white"] + a["long"] + a["dress"], "kind": "phrase"},
        {"id": f"{ns}q", "name": "如何" + a["pick"] + a["dress"], "kind": "phrase"},
        {"id": f"{ns}miss", "name": a["white"] + "显瘦" + zh + a["dress"], "kind": "phrase"},
        {"id": f"{ns}kept", "name": a["long"] + a["white"], "kind": "phrase",
         "components": [f"{ns}white", f"{ns}long"]},  # loaded structure, even if odd, is kept
    ]
    path = write_file("tags.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    assert load_file(graph, "tags", path, progress=False).ok
    yield ns, zh
    graph.execute("MATCH (t:Tag {id: $id}) DETACH DELETE t", id=candidate_id(tag_key("显瘦" + zh)))


def composed(graph, pid):
    return [r["a"] for r in graph.query("MATCH (:Tag {id: $id})-[c:COMPOSED_OF]->(a) RETURN a.id AS a "
                                        "ORDER BY c.position", id=pid)]


def test_structure_writes_components_head_broader_and_candidates(graph, library):
    ns, zh = library
    result = structure_phrases(graph, prefix=ns, progress=False)
    assert result["structured"] == 3 and result["candidates"] == 1
    assert composed(graph, f"{ns}wd") == [f"{ns}white", f"{ns}dress"]
    assert composed(graph, f"{ns}wld") == [f"{ns}white", f"{ns}long", f"{ns}dress"]
    assert composed(graph, f"{ns}q") == [f"{ns}pick", f"{ns}dress"]
    assert composed(graph, f"{ns}kept") == [f"{ns}white", f"{ns}long"]
    assert composed(graph, f"{ns}miss") == []  # waits until its missing part is reviewed
    heads = {r["id"]: r["head"] for r in graph.query(
        "MATCH (t:Phrase) WHERE t.id STARTS WITH $ns RETURN t.id AS id, t.head AS head", ns=ns)}
    assert heads[f"{ns}wd"] == heads[f"{ns}wld"] == f"{ns}dress" and heads[f"{ns}kept"] == f"{ns}long"
    broader = {(r["a"], r["b"]) for r in graph.query(
        "MATCH (a:Tag)-[:BROADER {method: 'head'}]->(b:Tag) WHERE a.id STARTS WITH $ns "
        "RETURN a.id AS a, b.id AS b", ns=ns)}
    assert (f"{ns}wld", f"{ns}wd") in broader and (f"{ns}wd", f"{ns}dress") in broader
    assert (f"{ns}wd", f"{ns}wld") not in broader
    [cand] = graph.query("MATCH (t:Tag {id: $id}) RETURN t {.*} AS t", id=candidate_id(tag_key("显瘦" + zh)))
    assert cand["t"]["status"] == "candidate" and cand["t"]["source"] == "phrase-split"
    assert cand["t"]["name"] == "显瘦" + zh and cand["t"]["split_from"] == [f"{ns}miss"]
    again = structure_phrases(graph, prefix=ns, progress=False)  # idempotent: nothing new, same edges
    assert again["structured"] == 0 and again["broader_edges"] == result["broader_edges"]
    assert composed(graph, f"{ns}miss") == []  # a candidate part is not a component yet
    [cand] = graph.query("MATCH (t:Tag {id: $id}) RETURN t.split_from AS s", id=candidate_id(tag_key("显瘦" + zh)))
    assert cand["s"] == [f"{ns}miss"]


def test_dimensions_are_stored_on_phrases(graph, library, write_file):
    ns, zh = library
    structure_phrases(graph, prefix=ns, progress=False)
    title = "如何挑选" + zh + "连衣裙" + zh
    videos = f"id,title,created_at\n{ns}v1,{title},2026-03-02T10:00:00Z\n"
    assert load_file(graph, "videos", write_file("v.csv", videos), progress=False).ok
    clicks = f"kind,tag_id,video_id,day,count\ntag,{ns}wd,{ns}v1,2026-03-03,4\n"
    assert load_file(graph, "clicks", write_file("c.csv", clicks), progress=False).ok
    result = phrase_dimensions(graph, prefix=ns, progress=False)
    assert result["phrases"] == 5
    props = {r["id"][len(ns):]: r["p"] for r in graph.query(
        "MATCH (t:Phrase) WHERE t.id STARTS WITH $ns RETURN t.id AS id, t {.*} AS p", ns=ns)}
    assert props["q"]["dim_question"] and not props["wd"]["dim_question"]
    assert props["wd"]["dim_audience"] and not props["q"]["dim_audience"]  # searched vs named in text
    assert props["wd"]["dim_product"] and not props["q"]["dim_product"]
    assert all(not p["dim_trending"] and "dim_burst" in p and p["dim_at"] for p in props.values())
