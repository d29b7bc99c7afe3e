"""`tagkg load labels` against the real Neo4j: rejects with line/field/reason, merge redirects, idempotent reruns."""
import json

from curation.ops import merge
from loaders.load import load_file
from tagkg.cli import main

EDGES = """
MATCH (v:Video)-[h:HAS_TAG]->(t:Tag) WHERE v.id STARTS WITH $ns
RETURN v.id AS video, t.id AS tag, h.source AS source, h.role AS role, h.weight AS weight, toString(h.at) AS at
ORDER BY video, tag, source
"""


def jsonl(rows) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _library(graph, ns, write_file):
    videos = [{"id": f"{ns}v{i}", "title": f"视频{i}"} for i in (1, 2, 3)]
    tags = [
        {"id": f"{ns}t1", "name": f"{ns}连衣裙", "kind": "atomic", "aliases": [f"{ns}长裙"]},
        {"id": f"{ns}t2", "name": f"{ns}白色", "kind": "atomic"},
        {"id": f"{ns}c1", "name": f"{ns}红色", "kind": "atomic", "status": "candidate"},
        {"id": f"{ns}c2", "name": f"{ns}红色", "kind": "atomic", "status": "candidate"},
        {"id": f"{ns}t4", "name": f"{ns}废弃", "kind": "atomic", "status": "rejected"},
        {"id": f"{ns}t5", "name": f"{ns}裙子", "kind": "atomic"},
    ]
    assert load_file(graph, "videos", write_file("v.jsonl", jsonl(videos)), progress=False).ok
    assert load_file(graph, "tags", write_file("t.jsonl", jsonl(tags)), progress=False).ok
    merge(graph, f"{ns}t5", f"{ns}t1", who="test")


def test_labels_rejected_with_reasons_merges_followed_and_reruns_idempotent(graph, ns, write_file):
    _library(graph, ns, write_file)
    # a machine edge on a labelled pair: the label replaces it
    graph.execute("MATCH (v:Video {id: $v}), (t:Tag {id: $t}) "
                  "CREATE (v)-[:HAS_TAG {source: 'tagger', score: 0.3}]->(t)", v=f"{ns}v2", t=f"{ns}t2")
    path = write_file("labels.jsonl", jsonl([
        {"video_id": f"{ns}v1", "tag_id": f"{ns}t1"},                                       # 1 ok
        {"video_id": f"{ns}v1", "tag_name": f"{ns}白色", "role": "related", "source": "annot", "weight": 0.5},  # 2 ok
        {"video_id": f"{ns}v2", "tag_id": f"{ns}t5"},                                       # 3 merged -> t1
        {"video_id": f"{ns}v404", "tag_id": f"{ns}t1"},                                     # 4 unknown video
        {"video_id": f"{ns}v1", "tag_id": f"{ns}nope"},                                     # 5 unknown tag
        {"video_id": f"{ns}v1", "tag_name": f"{ns}红色"},                                    # 6 ambiguous
        {"video_id": f"{ns}v1", "tag_id": f"{ns}t1", "role": "main"},                       # 7 bad role
        {"video_id": f"{ns}v3", "tag_name": f"{ns}长裙"},                                    # 8 alias -> t1
        {"video_id": f"{ns}v1", "tag_id": f"{ns}t1", "tag_name": f"{ns}连衣裙"},              # 9 both
        {"video_id": f"{ns}v1", "tag_id": f"{ns}t4"},                                       # 10 rejected tag
        {"video_id": f"{ns}v1", "tag_id": f"{ns}t2", "source": "tagger"},                   # 11 reserved source
        {"video_id": f"{ns}v2", "tag_name": f"{ns}白色", "weight": 0},                       # 12 bad weight
        {"video_id": f"{ns}v2", "tag_id": f"{ns}t2"},                                       # 13 ok, replaces tagger
    ]))
    report = load_file(graph, "labels", path, progress=False)
    assert (report.rows, report.stored, report.rejected) == (13, 5, 8)
    rejects = {r["line"]: r for r in map(json.loads, open(report.rejects_path, encoding="utf-8"))}
    assert sorted(rejects) == [4, 5, 6, 7, 9, 10, 11, 12]
    assert (rejects[4]["field"], rejects[4]["reason"]) == ("video_id", f"unknown video id(s): {ns}v404")
    assert (rejects[5]["field"], rejects[5]["reason"]) == ("tag_id", f"unknown tag id: {ns}nope")
    assert rejects[6]["field"] == "tag_name" and "ambiguous" in rejects[6]["reason"]
    assert f"{ns}c1" in rejects[6]["reason"] and f"{ns}c2" in rejects[6]["reason"]
    assert rejects[7]["field"] == "role"
    assert "exactly one" in rejects[9]["reason"]
    assert rejects[10]["field"] == "tag_id" and "rejected" in rejects[10]["reason"]
    assert rejects[11]["field"] == "source" and "reserved" in rejects[11]["reason"]
    assert rejects[12]["field"] == "weight"
    assert report.redirected == 1 and [line for line, _ in report.notes] == [3]
    assert f"{ns}t5" in report.notes[0][1] and f"was merged into {ns}t1" in report.notes[0][1]
    assert "1 labels redirected" in report.summary() and "line 3:" in report.summary()

    edges = graph.query(EDGES, ns=ns)
    assert [(e["video"], e["tag"], e["source"], e["role"], e["weight"]) for e in edges] == [
        (f"{ns}v1", f"{ns}t1", "label", "core", 1.0),
        (f"{ns}v1", f"{ns}t2", "annot", "related", 0.5),
        (f"{ns}v2", f"{ns}t1", "label", "core", 1.0),
        (f"{ns}v2", f"{ns}t2", "label", "core", 1.0),     # the tagger's edge is gone
        (f"{ns}v3", f"{ns}t1", "label", "core", 1.0),
    ]
    again = load_file(graph, "labels", path, progress=False)
    assert (again.stored, again.rejected, again.redirected) == (5, 8, 1)
    assert graph.query(EDGES, ns=ns) == edges  # nothing changed, not even `at`


def test_cli_loads_csv_labels_with_empty_cells_as_defaults(graph, ns, write_file, runner):
    _library(graph, ns, write_file)
    path = write_file("labels.csv", "video_id,tag_id,tag_name,role,source,weight\n"
                                    f"{ns}v1,,{ns}连衣裙,,,\n"
                                    f"{ns}v2,{ns}t5,,related,,0.25\n"
                                    f"{ns}v3,{ns}t2,,Core,human,\n")
    result = runner.invoke(main, ["load", "labels", str(path), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "3 stored, 0 rejected" in result.output and "1 labels redirected" in result.output
    edges = graph.query(EDGES, ns=ns)
    assert [(e["video"], e["tag"], e["source"], e["role"], e["weight"]) for e in edges] == [
        (f"{ns}v1", f"{ns}t1", "label", "core", 1.0),
        (f"{ns}v2", f"{ns}t1", "label", "related", 0.25),
        (f"{ns}v3", f"{ns}t2", "human", "core", 1.0),
    ]
