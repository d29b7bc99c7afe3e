"""Loaders against the real Neo4j: rejects, references, idempotency, CSV and JSONL."""
import json

from loaders.load import load_file

SNAPSHOT = """
MATCH (n) WHERE (n:Video OR n:Tag OR n:Product) AND n.id STARTS WITH $ns
OPTIONAL MATCH (n)-[r]->(m)
WITH n, r, m ORDER BY n.id, type(r), coalesce(m.id, m.text)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props,
       collect([type(r), coalesce(m.id, m.text), properties(r)]) AS out
"""


def jsonl(rows) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)


def snapshot(graph, ns):
    return graph.query(SNAPSHOT, ns=ns)


def test_bad_rows_are_rejected_with_line_field_reason_and_good_rows_stored(graph, ns, write_file, tmp_path):
    path = write_file("videos.jsonl", jsonl([
        {"id": f"{ns}v1", "title": "白色连衣裙穿搭"},
        {"title": "no id"},
        {"id": f"{ns}v2", "title": "x", "duration_s": "long"},
        "{broken",
        {"id": f"{ns}v3", "title": "杭州西湖旅行vlog", "visual": [0.1, 0.2]},
    ]))
    report = load_file(graph, "videos", path, progress=False)
    assert (report.rows, report.stored, report.rejected) == (5, 2, 3)
    rejects = [json.loads(x) for x in open(report.rejects_path, encoding="utf-8")]
    assert [(r["line"], r["field"]) for r in rejects] == [(2, "id"), (3, "duration_s"), (4, "<row>")]
    assert "Field required" in rejects[0]["reason"] and "invalid JSON" in rejects[2]["reason"]
    ids = [r["id"] for r in graph.query("MATCH (v:Video) WHERE v.id STARTS WITH $ns RETURN v.id AS id ORDER BY id", ns=ns)]
    assert ids == [f"{ns}v1", f"{ns}v3"]
    assert "2 stored, 3 rejected" in report.summary()


def test_references_to_unknown_videos_and_tags_are_rejected(graph, ns, write_file):
    load_file(graph, "videos", write_file("v.jsonl", jsonl([{"id": f"{ns}v1", "title": "t"}])), progress=False)
    load_file(graph, "tags", write_file("t.jsonl", jsonl([{"id": f"{ns}t1", "name": f"{ns}白色", "kind": "atomic"}])), progress=False)
    products = write_file("p.jsonl", jsonl([
        {"id": f"{ns}p1", "title": "连衣裙", "video_ids": [f"{ns}v1"]},
        {"id": f"{ns}p2", "title": "裙", "video_ids": [f"{ns}v1", f"{ns}nope"]},
    ]))
    rp = load_file(graph, "products", products, progress=False)
    assert (rp.stored, rp.rejected) == (1, 1)
    assert json.loads(open(rp.rejects_path).readline())["reason"] == f"unknown video id(s): {ns}nope"
    clicks = write_file("c.jsonl", jsonl([
        {"kind": "query", "query": f"{ns}白色裙", "video_id": f"{ns}v1", "day": "2026-05-01", "count": 2},
        {"kind": "tag", "tag_id": f"{ns}t404", "video_id": f"{ns}v1", "day": "2026-05-01"},
        {"kind": "tag", "tag_id": f"{ns}t1", "video_id": f"{ns}v9", "day": "2026-05-01"},
    ]))
    rc = load_file(graph, "clicks", clicks, progress=False)
    assert (rc.stored, rc.rejected) == (1, 2)
    fields = [json.loads(x)["field"] for x in open(rc.rejects_path)]
    assert fields == ["tag_id", "video_id"]


def test_tags_structure_category_components_and_orphaned_phrases(graph, ns, write_file):
    path = write_file("tags.jsonl", jsonl([
        {"id": f"{ns}c", "name": f"{ns}白色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}d", "name": f"{ns}连衣裙", "kind": "atomic", "aliases": ["裙子"], "category": "object.clothing.dress"},
        {"id": f"{ns}p", "name": f"{ns}白色连衣裙", "kind": "phrase", "components": [f"{ns}c", f"{ns}d"]},
        {"id": f"{ns}bad", "name": f"{ns}坏", "kind": "atomic", "category": "no.such.category"},
        {"id": f"{ns}orphan", "name": f"{ns}坏裙", "kind": "phrase", "components": [f"{ns}bad", f"{ns}d"]},
    ]))
    report = load_file(graph, "tags", path, progress=False)
    assert (report.stored, report.rejected) == (3, 2)
    rows = graph.query("""MATCH (p:Phrase {id: $id})-[r:COMPOSED_OF]->(a:Atomic)-[:IN_CATEGORY]->(c:Category)
                          RETURN a.id AS a, r.position AS pos, c.id AS cat ORDER BY pos""", id=f"{ns}p")
    assert [(r["a"], r["pos"], r["cat"]) for r in rows] == [(f"{ns}c", 0, "object.attribute.color"), (f"{ns}d", 1, "object.clothing.dress")]


def test_reload_changes_nothing_and_click_days_replace_not_add(graph, ns, write_file):
    write_file("t.jsonl", "")
    load_file(graph, "videos", write_file("v.csv", f"id,title,visual\n{ns}v1,标题,0.1|0.2\n{ns}v2,标题二,\n"), progress=False)
    load_file(graph, "tags", write_file("tags.jsonl", jsonl([{"id": f"{ns}t1", "name": f"{ns}穿搭", "kind": "atomic"}])), progress=False)
    clicks = write_file("c.csv", "kind,query,tag_id,video_id,day,count\n"
                        f"query,{ns}穿搭,,{ns}v1,2026-05-01,3\n"
                        f"query,{ns}穿搭,,{ns}v1,2026-05-02,4\n"
                        f"tag,,{ns}t1,{ns}v2,2026-05-02,5\n")
    load_file(graph, "clicks", clicks, progress=False, batch_size=1)
    before = snapshot(graph, ns)
    for kind, name in (("videos", "v.csv"), ("tags", "tags.jsonl"), ("clicks", "c.csv")):
        assert load_file(graph, kind, clicks.with_name(name), progress=False).ok
    assert snapshot(graph, ns) == before
    edge = graph.query("MATCH (q:Query {text: $q})-[c:CLICKED]->(v) RETURN c.count AS n, c.days AS days", q=f"{ns}穿搭")[0]
    assert edge == {"n": 7, "days": ["2026-05-01", "2026-05-02"]}


def test_rejects_file_of_an_earlier_run_is_removed(graph, ns, write_file):
    path = write_file("v.jsonl", jsonl([{"id": f"{ns}v1"}]))
    first = load_file(graph, "videos", path, progress=False)
    assert not first.ok
    path.write_text(jsonl([{"id": f"{ns}v1", "title": "ok"}]))
    second = load_file(graph, "videos", path, progress=False)
    assert second.ok and second.rejects_path is None
    assert not path.with_name("v.jsonl.rejects.jsonl").exists()


def test_duplicate_approved_names_are_rejected_within_a_batch_and_against_the_graph(graph, ns, write_file):
    first = write_file("a.jsonl", jsonl([{"id": f"{ns}a", "name": f"{ns}ＳＫ-II", "kind": "atomic"}]))
    assert load_file(graph, "tags", first, progress=False).ok
    second = write_file("b.jsonl", jsonl([
        {"id": f"{ns}b", "name": f"{ns}sk ii", "kind": "atomic"},                     # same key as a (graph)
        {"id": f"{ns}c", "name": f"{ns}復古", "kind": "atomic"},
        {"id": f"{ns}d", "name": f"{ns}复古", "kind": "atomic"},                      # same key as c (batch)
        {"id": f"{ns}e", "name": f"{ns}复古", "kind": "atomic", "status": "candidate"},  # candidates may repeat
        {"id": f"{ns}a", "name": f"{ns}ＳＫ-II", "kind": "atomic"},                   # reloading a is fine
    ]))
    report = load_file(graph, "tags", second, progress=False)
    rejects = [json.loads(x) for x in open(report.rejects_path, encoding="utf-8")]
    assert [(r["line"], r["field"]) for r in rejects] == [(1, "name"), (3, "name")]
    assert f"approved tag {ns}a" in rejects[0]["reason"] and f"approved tag {ns}c" in rejects[1]["reason"]
    assert report.stored == 3
