"""The curator workflow against the real Neo4j: every action, its audit record, undo and races."""
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from curation import ops
from curation.ops import CurationError
from loaders.load import load_file
from text.normalize import tag_key


@pytest.fixture
def library(graph, ns, write_file):
    """Two atomic tags, a phrase, a look-alike candidate pair, a video tagged and clicked."""
    rows = [
        {"id": f"{ns}white", "name": f"{ns}白色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}dress", "name": f"{ns}连衣裙", "kind": "atomic", "category": "object.clothing.dress"},
        {"id": f"{ns}wd", "name": f"{ns}白色连衣裙", "kind": "phrase", "components": [f"{ns}white", f"{ns}dress"]},
        {"id": f"{ns}skirt", "name": f"{ns}裙子", "kind": "atomic", "status": "candidate", "aliases": ["裙"]},
        {"id": f"{ns}c1", "name": f"{ns}复古穿搭", "kind": "phrase", "status": "candidate"},
        {"id": f"{ns}c2", "name": f"{ns}复古 穿搭", "kind": "phrase", "status": "candidate"},
    ]
    assert load_file(graph, "tags", write_file("t.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)), progress=False).ok
    assert load_file(graph, "videos", write_file("v.csv", f"id,title\n{ns}v1,白裙\n{ns}v2,裙\n"), progress=False).ok
    clicks = "kind,tag_id,video_id,day,count\n" + f"tag,{ns}skirt,{ns}v1,2026-05-01,3\ntag,{ns}skirt,{ns}v2,2026-05-01,1\ntag,{ns}dress,{ns}v2,2026-05-01,9\n"
    assert load_file(graph, "clicks", write_file("c.csv", clicks), progress=False).ok
    graph.execute("MATCH (v:Video {id: $v}), (t:Tag {id: $t}) MERGE (v)-[:HAS_TAG {score: 0.9, role: 'core'}]->(t)",
                  v=f"{ns}v1", t=f"{ns}skirt")
    return ns


def edges(graph, tag_id):
    return sorted((r["t"], r["o"]) for r in graph.query(
        "MATCH (:Tag {id: $id})-[r]-(o) WHERE NOT type(r) IN ['CHANGED'] RETURN type(r) AS t, coalesce(o.id, o.text) AS o", id=tag_id))


def test_approve_reject_with_audit_trail(graph, library):
    ns = library
    out = ops.approve(graph, f"{ns}c1", who="alice", reason="good tag")
    assert out["status"] == "approved"
    with pytest.raises(CurationError, match="already approved"):
        ops.approve(graph, f"{ns}c1", who="bob")
    with pytest.raises(CurationError, match="needs a reason"):
        ops.reject(graph, f"{ns}c1", who="bob", reason=" ")
    ops.reject(graph, f"{ns}c1", who="bob", reason="too vague")
    hist = ops.history(graph, f"{ns}c1")
    assert [(h["action"], h["who"], h["reason"]) for h in hist] == [("reject", "bob", "too vague"), ("approve", "alice", "good tag")]
    assert json.loads(hist[0]["before"]) == {"status": "approved"} and json.loads(hist[0]["after"]) == {"status": "rejected"}
    with pytest.raises(CurationError) as e:
        ops.approve(graph, f"{ns}nope", who="x")
    assert e.value.code == "not_found"


def test_lookalike_candidates_cannot_both_be_approved(graph, library):
    ns = library
    ops.approve(graph, f"{ns}c1", who="alice")
    with pytest.raises(CurationError) as e:
        ops.approve(graph, f"{ns}c2", who="bob")  # '复古 穿搭' normalises to the same key
    assert e.value.code == "conflict"


def test_concurrent_approvals_of_one_candidate_apply_once(graph, library):
    ns = library
    def attempt(who):
        try:
            return ops.approve(graph, f"{ns}skirt", who=who)["status"]
        except CurationError as exc:
            return exc.code
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, [f"curator{i}" for i in range(8)]))
    assert results.count("approved") == 1 and results.count("conflict") == 7
    assert graph.query("MATCH (t:Tag {approved_key: $k}) RETURN count(t) AS n", k=tag_key(f"{ns}裙子"))[0]["n"] == 1
    assert len(ops.history(graph, f"{ns}skirt")) == 1


def test_merge_moves_edges_keeps_redirect_and_unmerge_restores(graph, library):
    ns = library
    before_loser, before_survivor = edges(graph, f"{ns}skirt"), edges(graph, f"{ns}dress")
    out = ops.merge(graph, f"{ns}skirt", f"{ns}dress", who="carol", reason="same thing")
    assert out["moved_edges"] == 3
    assert edges(graph, f"{ns}skirt") == [("MERGED_INTO", f"{ns}dress")]
    after = edges(graph, f"{ns}dress")
    assert ("HAS_TAG", f"{ns}v1") in after and ("CLICKED", f"{ns}v1") in after
    # the survivor's own click on v2 is kept, not duplicated
    assert graph.query("MATCH (:Tag {id: $id})-[c:CLICKED]->(:Video {id: $v}) RETURN c.count AS n",
                       id=f"{ns}dress", v=f"{ns}v2") == [{"n": 9}]
    survivor = graph.query("MATCH (t:Tag {id: $id}) RETURN t.aliases AS a", id=f"{ns}dress")[0]["a"]
    assert f"{ns}裙子" in survivor and "裙" in survivor
    assert graph.query("MATCH (t:Tag {id: $id}) RETURN t.status AS s", id=f"{ns}skirt") == [{"s": "merged"}]
    with pytest.raises(CurationError, match="cannot take part"):
        ops.merge(graph, f"{ns}skirt", f"{ns}white", who="carol")

    ops.unmerge(graph, f"{ns}skirt", who="carol")
    assert edges(graph, f"{ns}skirt") == before_loser
    assert edges(graph, f"{ns}dress") == before_survivor
    assert graph.query("MATCH (t:Tag {id: $id}) RETURN t.status AS s, t.aliases AS a", id=f"{ns}skirt") == [{"s": "candidate", "a": ["裙"]}]
    assert f"{ns}裙子" not in graph.query("MATCH (t:Tag {id: $id}) RETURN t.aliases AS a", id=f"{ns}dress")[0]["a"]
    assert [h["action"] for h in ops.history(graph, f"{ns}skirt")] == ["unmerge", "merge"]
    with pytest.raises(CurationError, match="not merged"):
        ops.unmerge(graph, f"{ns}skirt", who="carol")


def test_rename_alias_reclassify(graph, library):
    ns = library
    ops.rename(graph, f"{ns}dress", f"{ns}长裙", who="dan")
    row = graph.query("MATCH (t:Tag {id: $id}) RETURN t.name AS n, t.aliases AS a, t.approved_key AS k", id=f"{ns}dress")[0]
    assert row == {"n": f"{ns}长裙", "a": [f"{ns}连衣裙"], "k": tag_key(f"{ns}长裙")}
    ops.alias(graph, f"{ns}dress", who="dan", add="dress")
    ops.alias(graph, f"{ns}dress", who="dan", remove=f"{ns}连衣裙")
    with pytest.raises(CurationError, match="no alias"):
        ops.alias(graph, f"{ns}dress", who="dan", remove="nope")
    assert graph.query("MATCH (t:Tag {id: $id}) RETURN t.aliases AS a", id=f"{ns}dress")[0]["a"] == ["dress"]
    ops.reclassify(graph, f"{ns}dress", "object.clothing.bottom", who="dan")
    assert graph.query("MATCH (:Tag {id: $id})-[ic:IN_CATEGORY]->(c) RETURN c.id AS c, ic.method AS m", id=f"{ns}dress") == [
        {"c": "object.clothing.bottom", "m": "curator"}]
    with pytest.raises(CurationError, match="only atomic"):
        ops.reclassify(graph, f"{ns}wd", "object.clothing.bottom", who="dan")
    with pytest.raises(CurationError, match="no taxonomy class"):
        ops.reclassify(graph, f"{ns}dress", "no.such", who="dan")
    assert [h["action"] for h in ops.history(graph, f"{ns}dress")] == ["reclassify", "alias", "alias", "rename"]


def test_list_candidates_filters_sorts_and_pages(graph, library):
    ns = library
    graph.execute("MATCH (t:Tag) WHERE t.id IN $ids SET t.score = $s", ids=[f"{ns}c1"], s=0.9)
    graph.execute("MATCH (t:Tag) WHERE t.id IN $ids SET t.score = $s", ids=[f"{ns}c2"], s=0.5)
    page = ops.list_candidates(graph, q=ns, limit=2)
    assert [t["id"] for t in page["items"]] == [f"{ns}c1", f"{ns}c2"] and page["next_offset"] == 2
    rest = ops.list_candidates(graph, q=ns, limit=2, offset=2)
    assert [t["id"] for t in rest["items"]] == [f"{ns}skirt"] and rest["next_offset"] is None
    assert [t["id"] for t in ops.list_candidates(graph, q=ns, kind="atomic")["items"]] == [f"{ns}skirt"]
    assert [t["id"] for t in ops.list_candidates(graph, q=ns, min_score=0.6)["items"]] == [f"{ns}c1"]
    with pytest.raises(CurationError):
        ops.list_candidates(graph, status="bogus")
