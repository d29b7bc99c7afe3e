"""The tagkg CLI: help for every command, exit codes, and the commands' effects in Neo4j."""
import json

import pytest

from tagkg.cli import main

COMMANDS = ["neo4j", "init-db", "load", "demo-data", "load-demo", "stats", "serve", "mine", "classify",
            "structure", "dimensions", "candidates", "video-tags", "train", "index", "similar", "mine-aliases",
            "rank-train", "tag", "tag-all", "retrain", "explain"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and command in result.output


def test_init_db_is_idempotent(runner, graph):
    first = runner.invoke(main, ["init-db"])
    second = runner.invoke(main, ["init-db"])
    assert first.exit_code == second.exit_code == 0
    assert json.loads(first.output) == json.loads(second.output)
    assert json.loads(first.output)["categories"] >= 50
    tops = graph.query("MATCH (c:Category) WHERE NOT (c)-[:SUBCLASS_OF]->() RETURN count(c) AS n")[0]["n"]
    assert tops == 8


def test_load_exits_nonzero_with_summary_on_rejects(runner, graph, ns, write_file):
    path = write_file("v.jsonl", json.dumps({"id": f"{ns}v1", "title": "好"}) + "\n" + '{"id": 5}\n')
    result = runner.invoke(main, ["load", "videos", str(path), "--no-progress"])
    assert result.exit_code == 1
    assert "2 rows read, 1 stored, 1 rejected" in result.output
    assert "rejects written to" in result.output
    ok = write_file("ok.csv", f"id,title\n{ns}v2,标题\n")
    result = runner.invoke(main, ["load", "videos", str(ok), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert graph.query("MATCH (v:Video {id: $id}) RETURN v.title AS t", id=f"{ns}v2") == [{"t": "标题"}]


def test_load_rejects_unknown_kind_and_missing_file(runner, tmp_path):
    assert runner.invoke(main, ["load", "users", str(tmp_path)]).exit_code == 2
    result = runner.invoke(main, ["load", "videos", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_stats_counts_what_was_loaded(runner, graph, ns, write_file):
    before = json.loads(runner.invoke(main, ["stats"]).output)
    runner.invoke(main, ["load", "videos", str(write_file("v.csv", f"id,title\n{ns}a,x\n{ns}b,y\n")), "--no-progress"])
    after = json.loads(runner.invoke(main, ["stats"]).output)
    assert after["videos"] == before["videos"] + 2
