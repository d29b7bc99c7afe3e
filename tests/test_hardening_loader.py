"""Loader edge cases found under attack: a BOM, NaN/Inf vectors, ids repeated in one file, deep JSON lines,
and two loads (or imports) of the same approved tag at the same time."""
import json
import threading

from api import create_app
from loaders.load import _store, _write_tags, load_file
from loaders.models import TagRow

CURATOR = "curator-key-0123456789"


def jsonl(rows) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def rejects_of(report) -> list[dict]:
    if not report.rejects_path:
        return []
    with open(report.rejects_path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_jsonl_with_a_bom_keeps_line_one(graph, ns, write_file):
    path = write_file("v.jsonl", b"\xef\xbb\xbf" + jsonl([{"id": f"{ns}v1", "title": "a"},
                                                          {"id": f"{ns}v2", "title": "b"}]).encode())
    report = load_file(graph, "videos", path, progress=False)
    assert (report.rows, report.stored, report.rejected) == (2, 2, 0)
    assert graph.query("MATCH (v:Video) WHERE v.id STARTS WITH $ns RETURN count(v) AS n", ns=ns) == [{"n": 2}]


def test_nan_and_infinity_in_vectors_are_rejected_in_jsonl_and_csv(graph, ns, write_file):
    lines = (f'{{"id": "{ns}ok", "title": "a", "visual": [0.5, 0.25]}}\n'
             f'{{"id": "{ns}nan", "title": "a", "visual": [0.5, NaN]}}\n'
             f'{{"id": "{ns}inf", "title": "a", "visual": [Infinity]}}\n'
             f'{{"id": "{ns}ninf", "title": "a", "visual": [-Infinity, 1.0]}}\n')
    report = load_file(graph, "videos", write_file("v.jsonl", lines), progress=False)
    assert (report.stored, report.rejected) == (1, 3)
    rejected = {r["row"]["id"]: r for r in rejects_of(report)}
    assert rejected[f"{ns}nan"]["field"] == "visual.1" and "finite" in rejected[f"{ns}nan"]["reason"]
    assert rejected[f"{ns}inf"]["line"] == 3 and rejected[f"{ns}ninf"]["field"] == "visual.0"
    csv = f"id,title,visual\n{ns}c1,a,0.5|nan\n{ns}c2,a,inf|1\n{ns}c3,a,0.5|1\n"
    report = load_file(graph, "videos", write_file("v.csv", csv), progress=False)
    assert (report.stored, report.rejected) == (1, 2)
    assert {r["line"] for r in rejects_of(report)} == {2, 3}
    stored = graph.query("MATCH (v:Video) WHERE v.id STARTS WITH $ns RETURN v.id AS id, v.visual AS visual ORDER BY id", ns=ns)
    assert stored == [{"id": f"{ns}c3", "visual": [0.5, 1.0]}, {"id": f"{ns}ok", "visual": [0.5, 0.25]}]


def test_duplicate_ids_in_one_file_are_rejected_and_counted_once(graph, ns, write_file):
    rows = [{"id": f"{ns}v1", "title": "first"}, {"id": f"{ns}v2", "title": "x"}, {"id": f"{ns}v1", "title": "second"}]
    path = write_file("v.jsonl", jsonl(rows))
    for _ in range(2):   # a rerun gives the same answer and the same graph
        report = load_file(graph, "videos", path, batch_size=2, progress=False)
        assert (report.rows, report.stored, report.rejected) == (3, 2, 1)
        [dup] = rejects_of(report)
        assert dup["line"] == 3 and dup["field"] == "id" and "line 1" in dup["reason"]
        assert graph.query("MATCH (v:Video {id: $id}) RETURN v.title AS t", id=f"{ns}v1") == [{"t": "first"}]


def test_deep_json_line_is_a_row_error(graph, ns, write_file):
    deep = '{"id": "x", "title": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    report = load_file(graph, "videos", write_file("v.jsonl", deep + jsonl([{"id": f"{ns}v", "title": "a"}])),
                       progress=False)
    assert (report.stored, report.rejected) == (1, 1)
    assert "nested too deeply" in rejects_of(report)[0]["reason"]


def _tags(ns, who, n=500, clash=5):
    """n good atomic tags of this loader, plus `clash` approved tags whose names the other loader uses too."""
    rows = [{"id": f"{ns}{who}{i}", "name": f"{ns}{who}名{i}", "kind": "atomic"} for i in range(n)]
    rows[::n // clash] = [{"id": f"{ns}{who}x{i}", "name": f"{ns}同名{i}", "kind": "atomic"} for i in range(clash)]
    return rows


def test_a_constraint_conflict_rejects_only_the_conflicting_rows(graph, ns):
    graph.write(_write_tags, [TagRow(id=f"{ns}first", name=f"{ns}同名", kind="atomic")])
    batch = [(i + 1, TagRow(id=f"{ns}t{i}", name=f"{ns}名{i}", kind="atomic")) for i in range(9)]
    batch.insert(4, (99, TagRow(id=f"{ns}late", name=f"{ns}同名", kind="atomic")))
    # Stored past the duplicate-name check, as when another load commits between check and write.
    stored, rejects = _store(graph, "tags", _write_tags, batch)
    assert len(stored) == 9 and [(r.line, r.field) for r in rejects] == [(99, "name")]
    assert f"{ns}first" in rejects[0].reason
    assert graph.query("MATCH (t:Tag) WHERE t.id STARTS WITH $ns RETURN count(t) AS n", ns=ns) == [{"n": 10}]


def test_concurrent_loads_of_the_same_approved_names_store_every_good_row(graph, ns, write_file):
    paths = {who: write_file(f"{who}.jsonl", jsonl(_tags(ns, who))) for who in "ab"}
    barrier, reports, errors = threading.Barrier(2), {}, []

    def load(who):
        barrier.wait()
        try:
            reports[who] = load_file(graph, "tags", paths[who], batch_size=500, progress=False)
        except Exception as exc:   # the bug: an uncaught ConstraintError lost the whole batch
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(w,)) for w in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    a, b = reports["a"], reports["b"]
    assert a.rejected + b.rejected == 5 and a.stored + b.stored == 995
    for report in (a, b):
        assert all(r["field"] == "name" and "同名" in r["row"]["name"] and r["reason"] for r in rejects_of(report))
    counts = graph.query("MATCH (t:Tag) WHERE t.id STARTS WITH $ns RETURN count(t) AS n, count(DISTINCT t.approved_key) AS k",
                         ns=ns)
    assert counts == [{"n": 995, "k": 995}]


def test_concurrent_imports_through_the_api(settings, graph, ns):
    app = create_app(settings.with_(api_keys=(("cara", "curator", CURATOR),)), {"TESTING": True})
    bodies = {who: jsonl(_tags(ns, who, n=200, clash=4)) for who in "ab"}
    barrier, answers = threading.Barrier(2), {}

    def post(who):
        client = app.test_client()
        barrier.wait()
        answers[who] = client.post("/v1/library/import", data=bodies[who].encode(),
                                   headers={"X-API-Key": CURATOR, "Content-Type": "application/x-ndjson"})

    threads = [threading.Thread(target=post, args=(w,)) for w in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {w: r.status_code for w, r in answers.items()} == {"a": 200, "b": 200}
    out = [r.get_json() for r in answers.values()]
    assert sum(o["stored"] for o in out) == 396 and sum(o["rejected"] for o in out) == 4
    assert all(rj["field"] == "name" for o in out for rj in o["rejects"])
