"""demo-data through the CLI, loaded with load-demo into the real Neo4j, then removed again."""
import json

import pytest

from tagkg.cli import main

DELETE_IDS = """
UNWIND $ids AS id
CALL (id) { MATCH (n) WHERE (n:Video OR n:Tag OR n:Product) AND n.id = id DETACH DELETE n }
"""


@pytest.fixture
def demo_dir(tmp_path, graph):
    out = tmp_path / "demo"
    yield out
    ids = []
    for name in ("videos.jsonl", "tags.jsonl", "products.jsonl"):
        if (out / name).exists():
            ids += [json.loads(line)["id"] for line in open(out / name, encoding="utf-8")]
    queries = sorted({json.loads(l)["query"] for l in open(out / "clicks.jsonl", encoding="utf-8") if '"query"' in l}) \
        if (out / "clicks.jsonl").exists() else []
    graph.execute(DELETE_IDS, ids=ids)
    graph.execute("UNWIND $qs AS q MATCH (n:Query {text: q}) WHERE NOT (n)-[:CLICKED]->() DELETE n", qs=queries)


def test_demo_data_then_load_demo(runner, graph, demo_dir):
    result = runner.invoke(main, ["demo-data", "--videos", "300", "--seed", "7", "--out", str(demo_dir)])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output[result.output.index("{"):])
    assert stats["n_videos"] == 300 and 0.3 < stats["gold_verbatim_share"] < 0.8
    truth = [json.loads(l) for l in open(demo_dir / "ground_truth.jsonl", encoding="utf-8")]
    assert len(truth) == 300 and all(t["core"] for t in truth)

    result = runner.invoke(main, ["load-demo", "--dir", str(demo_dir), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "0 rejected" in result.output
    counts = graph.query("""
        MATCH (v:Video) WHERE v.id IN $ids
        OPTIONAL MATCH (v)<-[c:CLICKED]-()
        RETURN count(DISTINCT v) AS videos, count(c) AS clicks""", ids=[t["video_id"] for t in truth])[0]
    assert counts["videos"] == 300 and counts["clicks"] > 300
    # the demo's labels arrive through the labels loader as human HAS_TAG edges, never as video properties
    n_labels = sum(len(t["core"]) + len(t["related"]) for t in truth)
    assert graph.query("MATCH (v:Video)-[h:HAS_TAG {source: 'demo'}]->() WHERE v.id IN $ids RETURN count(h) AS n",
                       ids=[t["video_id"] for t in truth])[0]["n"] == n_labels
    assert graph.query("MATCH (v:Video {id: $id}) RETURN keys(v) AS k", id=truth[0]["video_id"])[0]["k"]
    assert not graph.query("MATCH (v:Video) WHERE v.core IS NOT NULL OR v.related IS NOT NULL RETURN v LIMIT 1")
