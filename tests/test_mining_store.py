"""tagkg mine against the real Neo4j: candidates stored with evidence, reruns propose only what is new."""
import json

import pytest

from loaders.load import load_file
from mining.store import run_mining
from taxonomy.tree import load_taxonomy


@pytest.fixture
def corpus(graph, ns, write_file):
    tags = [
        {"id": f"{ns}white", "name": "白色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}red", "name": "红色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}black", "name": "黑色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}dress", "name": "连衣裙", "kind": "atomic", "category": "object.clothing.dress"},
        {"id": f"{ns}hoodie", "name": "卫衣", "kind": "atomic", "category": "object.clothing.top"},
        {"id": f"{ns}wd", "name": "白色连衣裙", "kind": "phrase", "components": [f"{ns}white", f"{ns}dress"]},
        {"id": f"{ns}rd", "name": "红色连衣裙", "kind": "phrase", "components": [f"{ns}red", f"{ns}dress"]},
        {"id": f"{ns}wh", "name": "白色卫衣", "kind": "phrase", "components": [f"{ns}white", f"{ns}hoodie"]},
        {"id": f"{ns}bd", "name": "黑色连衣裙", "kind": "phrase", "components": [f"{ns}black", f"{ns}dress"]},
    ]
    # Approved names must be unique among approved tags; skip the test if another test left look-alikes.
    taken = graph.query("MATCH (t:Tag) WHERE t.name IN $names AND NOT t.id STARTS WITH $ns RETURN count(t) AS n",
                        names=[t["name"] for t in tags], ns=ns)[0]["n"]
    assert taken == 0, "the test graph holds leftover tags with these names"
    assert load_file(graph, "tags", write_file("t.jsonl", "\n".join(json.dumps(t, ensure_ascii=False) for t in tags)), progress=False).ok
    texts = ["今天穿红色卫衣出门", "红色卫衣搭配牛仔裤", "这件红色卫衣很好看", "白色连衣裙和红色卫衣",
             "黑色连衣裙显瘦", "红色卫衣 秋天必备", "白色卫衣也不错", "红色连衣裙约会穿"] * 3
    videos = "".join(json.dumps({"id": f"{ns}v{i}", "title": t, "created_at": f"2026-05-{1 + i % 28:02d}T00:00:00Z"},
                                ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    assert load_file(graph, "videos", write_file("v.jsonl", videos), progress=False).ok
    runs = []
    yield runs
    graph.execute("MATCH (t:Tag) WHERE t.first_run IN $runs DETACH DELETE t", runs=runs)
    graph.execute("MATCH (m:MiningRun) WHERE m.id IN $runs DELETE m", runs=runs)


def test_mine_stores_new_candidates_with_evidence_then_only_new(graph, ns, corpus):
    first = run_mining(graph, load_taxonomy(), with_queries=False, progress=False)
    corpus.append(first["run"])
    row = graph.query("""MATCH (t:Tag {name: '红色卫衣'})
                         OPTIONAL MATCH (t)-[c:COMPOSED_OF]->(a:Tag)
                         WITH t, c, a ORDER BY c.position
                         RETURN t.status AS status, t.source AS source, t.score AS score, t.pipelines AS pipelines,
                                t.evidence AS evidence, collect(a.id) AS parts""")
    assert row, first
    row = row[0]
    assert row["status"] == "candidate" and row["source"] == "mining" and 0 < row["score"] <= 1
    assert "pattern" in row["pipelines"]
    assert row["parts"] == [f"{ns}red", f"{ns}hoodie"]
    assert "红色卫衣" in json.dumps(json.loads(row["evidence"]), ensure_ascii=False)
    assert graph.query("MATCH (m:MiningRun {id: $id}) RETURN m.stored AS n", id=first["run"])[0]["n"] == first["stored"]

    second = run_mining(graph, load_taxonomy(), with_queries=False, progress=False)
    corpus.append(second["run"])
    assert "红色卫衣" not in [c["name"] for c in second["top"]]
