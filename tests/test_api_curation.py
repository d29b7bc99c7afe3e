"""Curator endpoints over curation/ops.py; library export/import; click feedback; video upsert."""
import csv
import io
import json

import pytest

from api import create_app
from loaders.load import load_file

KEYS = (("cora", "curator", "curator-key-0123456789"), ("tom", "tagger", "tagger-key-0123456789"))
CURATOR = {"X-API-Key": "curator-key-0123456789"}
TAGGER = {"X-API-Key": "tagger-key-0123456789"}


@pytest.fixture
def api(settings, graph):
    return create_app(settings.with_(api_keys=KEYS), {"TESTING": True}).test_client()


@pytest.fixture
def lib(graph, ns, write_file):
    rows = [
        {"id": f"{ns}white", "name": f"{ns}白色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}dress", "name": f"{ns}连衣裙", "kind": "atomic", "category": "object.clothing.dress"},
        {"id": f"{ns}wd", "name": f"{ns}白色连衣裙", "kind": "phrase", "components": [f"{ns}white", f"{ns}dress"],
         "aliases": [f"{ns}白裙"]},
        {"id": f"{ns}skirt", "name": f"{ns}裙子", "kind": "atomic", "status": "candidate"},
        {"id": f"{ns}c1", "name": f"{ns}复古穿搭", "kind": "phrase", "status": "candidate"},
    ]
    assert load_file(graph, "tags", write_file("t.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)), progress=False).ok
    assert load_file(graph, "videos", write_file("v.csv", f"id,title\n{ns}v1,白裙\n"), progress=False).ok
    graph.execute("MATCH (t:Tag {id: $id}) SET t.score = 0.9", id=f"{ns}c1")
    return ns


def test_queue_and_every_action_audited_under_the_key_name(api, graph, lib):
    ns = lib
    page = api.get("/v1/candidates", query_string={"q": ns, "limit": 1}).get_json()
    assert [t["id"] for t in page["items"]] == [f"{ns}c1"] and page["next_offset"] == 1
    assert api.get("/v1/candidates", query_string={"q": ns, "kind": "atomic"}).get_json()["items"][0]["id"] == f"{ns}skirt"
    assert api.post(f"/v1/tags/{ns}c1/approve", json={"reason": "good"}, headers=CURATOR).get_json()["status"] == "approved"
    again = api.post(f"/v1/tags/{ns}c1/approve", json={}, headers=CURATOR)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert api.post(f"/v1/tags/{ns}c1/reject", json={}, headers=CURATOR).status_code == 422  # a reason is required
    assert api.post(f"/v1/tags/{ns}c1/reject", json={"reason": "vague"}, headers=CURATOR).status_code == 200
    assert api.post(f"/v1/tags/{ns}dress/rename", json={"name": f"{ns}长裙"}, headers=CURATOR).get_json()["aliases"] == [f"{ns}连衣裙"]
    assert api.post(f"/v1/tags/{ns}dress/aliases", json={"add": "dress"}, headers=CURATOR).status_code == 200
    assert api.post(f"/v1/tags/{ns}dress/reclassify", json={"category": "object.clothing.bottom"}, headers=CURATOR).status_code == 200
    assert api.post(f"/v1/tags/{ns}dress/reclassify", json={"category": "no.such"}, headers=CURATOR).status_code == 404
    merged = api.post(f"/v1/tags/{ns}skirt/merge", json={"into": f"{ns}dress"}, headers=CURATOR).get_json()
    assert merged["merged_into"] == f"{ns}dress"
    assert api.get(f"/v1/tags/{ns}skirt").get_json()["merged_into"]["id"] == f"{ns}dress"
    assert api.post(f"/v1/tags/{ns}skirt/unmerge", json={}, headers=CURATOR).get_json()["status"] == "candidate"
    hist = api.get(f"/v1/tags/{ns}dress/history").get_json()
    assert [h["action"] for h in hist["items"]] == ["reclassify", "alias", "rename"]
    assert {h["who"] for h in hist["items"]} == {"cora"}
    assert api.get(f"/v1/tags/{ns}dress/history?limit=1").get_json()["next_offset"] == 1
    assert api.get(f"/v1/tags/{ns}nope/history").status_code == 404
    assert graph.query("MATCH (t:Tag {id: $id}) RETURN t.status AS s", id=f"{ns}c1") == [{"s": "rejected"}]
    assert api.post(f"/v1/tags/{ns}c1/approve", json={"who": "mallory"}, headers=CURATOR).status_code == 422


def test_export_formats_and_import_round_trip(api, graph, lib, ns):
    def export(fmt):
        r = api.get(f"/v1/library/export?format={fmt}")
        assert r.status_code == 200
        return r.get_data(as_text=True)

    mine = [json.loads(line) for line in export("jsonl").splitlines() if json.loads(line)["id"].startswith(ns)]
    assert [r["id"] for r in mine] == [f"{ns}dress", f"{ns}skirt", f"{ns}white", f"{ns}c1", f"{ns}wd"]  # atomic first
    wd = mine[-1]
    assert wd["components"] == [f"{ns}white", f"{ns}dress"] and wd["aliases"] == [f"{ns}白裙"]
    assert [r["id"] for r in json.loads(export("json")) if r["id"].startswith(ns)] == [r["id"] for r in mine]
    rows = [r for r in csv.DictReader(io.StringIO(export("csv"))) if r["id"].startswith(ns)]
    assert rows[-1]["components"] == f"{ns}white|{ns}dress"
    ttl = export("ttl")
    assert f'skos:prefLabel "{ns}白色连衣裙"@zh' in ttl and "skos:broader <urn:tagkg:category:object.clothing.dress>" in ttl

    # delete our tags, import them back from the jsonl export, and get the same library
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in mine) + "\n"
    graph.execute("MATCH (t:Tag) WHERE t.id STARTS WITH $ns DETACH DELETE t", ns=ns)
    assert api.post("/v1/library/import", data=text.encode(), headers=TAGGER).status_code == 403
    out = api.post("/v1/library/import?format=jsonl", data=text.encode(), headers=CURATOR).get_json()
    assert out == {"ok": True, "rows": 5, "stored": 5, "rejected": 0, "rejects": []}
    again = [json.loads(line) for line in export("jsonl").splitlines() if json.loads(line)["id"].startswith(ns)]
    assert again == mine
    bad = api.post("/v1/library/import?format=csv", headers=CURATOR,
                   data=f"id,name,kind,components\n{ns}x,{ns}新,phrase,{ns}nope\n{ns}y,{ns}好,atomic,\n".encode()).get_json()
    assert bad["ok"] is False and bad["stored"] == 1 and bad["rejects"][0]["field"] == "components"


def test_click_feedback_adds_to_the_day(api, graph, lib):
    ns = lib
    events = {"events": [{"kind": "query", "query": f"{ns}白裙", "video_id": f"{ns}v1", "day": "2026-05-01"},
                         {"kind": "query", "query": f"{ns}白裙", "video_id": f"{ns}v1", "day": "2026-05-01", "count": 2},
                         {"kind": "tag", "tag_id": f"{ns}wd", "video_id": f"{ns}v1"}]}
    assert api.post("/v1/feedback/clicks", json=events, headers=CURATOR).get_json() == {"stored": 3, "edges": 2}
    api.post("/v1/feedback/clicks", json={"events": events["events"][:1]}, headers=TAGGER)
    row = graph.query("MATCH (:Query {text: $q})-[c:CLICKED]->(:Video {id: $v}) RETURN c.count AS n, c.days AS d",
                      q=f"{ns}白裙", v=f"{ns}v1")
    assert row == [{"n": 4, "d": ["2026-05-01"]}]
    assert graph.query("MATCH (:Tag {id: $t})-[c:CLICKED]->() RETURN c.count AS n", t=f"{ns}wd") == [{"n": 1}]
    bad = api.post("/v1/feedback/clicks", headers=TAGGER,
                   json={"events": [{"kind": "tag", "tag_id": f"{ns}nope", "video_id": f"{ns}v1"}]})
    assert bad.status_code == 422 and bad.get_json()["error"]["details"]["unknown_tags"] == [f"{ns}nope"]
    assert api.post("/v1/feedback/clicks", headers=TAGGER, json={"events": [{"kind": "query", "video_id": "x"}]}).status_code == 422
    assert api.post("/v1/feedback/clicks", json=events).status_code == 401


def test_video_upsert_with_products_and_visual(api, graph, ns):
    body = {"title": "白色连衣裙 vlog", "summary": "夏天", "visual": [0.1, 0.2, 0.3],
            "products": [{"id": f"{ns}p1", "title": "白色连衣裙", "category": "dress"}]}
    v = api.put(f"/v1/videos/{ns}v9", json=body, headers=TAGGER).get_json()
    assert v["title"] == "白色连衣裙 vlog" and v["products"] == [{"id": f"{ns}p1", "title": "白色连衣裙", "category": "dress"}]
    api.put(f"/v1/videos/{ns}v9", json={"title": "新标题"}, headers=TAGGER)
    row = graph.query("MATCH (v:Video {id: $id}) RETURN v.title AS t, v.summary AS s, v.visual AS vis", id=f"{ns}v9")[0]
    assert row == {"t": "新标题", "s": "夏天", "vis": [0.1, 0.2, 0.3]}  # fields not given keep their values
    bad = api.put(f"/v1/videos/{ns}v9", json={"title": "x", "duration_s": -1, "color": "red"}, headers=TAGGER)
    assert bad.status_code == 422 and {e["loc"][0] for e in bad.get_json()["error"]["details"]["errors"]} == {"duration_s", "color"}


def test_curators_set_and_remove_a_videos_tags_and_the_tagger_respects_them(api, graph, lib, runner):
    from graph.labels import read_labels
    from tagkg.cli import main
    from tagging import store

    ns, vid = lib, f"{lib}v1"
    # only a curator key, only approved tags, only known videos and roles
    assert api.put(f"/v1/videos/{vid}/tags/{ns}wd", json={}, headers=TAGGER).status_code == 403
    assert api.put(f"/v1/videos/{vid}/tags/{ns}skirt", json={}, headers=CURATOR).status_code == 409
    assert api.put(f"/v1/videos/{ns}nope/tags/{ns}wd", json={}, headers=CURATOR).status_code == 404
    assert api.put(f"/v1/videos/{vid}/tags/{ns}wd", json={"role": "main"}, headers=CURATOR).status_code in (400, 422)

    # a machine edge on the pair is replaced by the curator's label, which every model reads
    store.write_tags(graph, [{"video": vid, "core": [], "related": [
        {"tag": f"{ns}wd", "score": 0.4, "channels": ["text"], "evidence": {}}]}], "m1")
    r = api.put(f"/v1/videos/{vid}/tags/{ns}wd", json={"role": "related", "reason": "seen"}, headers=CURATOR)
    assert r.status_code == 200 and r.get_json()["role"] == "related"
    edges = graph.query("MATCH (:Video {id: $v})-[h:HAS_TAG]->(:Tag {id: $t}) RETURN h.source AS s, h.role AS r",
                        v=vid, t=f"{ns}wd")
    assert edges == [{"s": "curator", "r": "related"}]
    assert read_labels(graph, ns)[vid] == ([], [f"{ns}wd"])

    # the CLI runs the same action (made from the same table)
    out = runner.invoke(main, ["video-tags", "set", vid, f"{ns}dress", "--role", "core", "--who", "cli-cora"])
    assert out.exit_code == 0, out.output
    assert read_labels(graph, ns)[vid] == ([f"{ns}dress"], [f"{ns}wd"])

    # removal deletes every edge of the pair and keeps the tagger from writing it again
    assert api.delete(f"/v1/videos/{vid}/tags/{ns}wd", headers=CURATOR).status_code == 200
    store.write_tags(graph, [{"video": vid, "core": [{"tag": f"{ns}wd", "score": 0.9, "channels": ["text"],
                                                      "evidence": {}}], "related": []}], "m2")
    assert not graph.query("MATCH (:Video {id: $v})-[h:HAS_TAG]->(:Tag {id: $t}) RETURN h", v=vid, t=f"{ns}wd")
    assert api.delete(f"/v1/videos/{vid}/tags/{ns}wd", headers=CURATOR).status_code == 409
    hist = api.get(f"/v1/tags/{ns}wd/history").get_json()["items"]
    assert [(h["action"], h["who"]) for h in hist][:2] == [("remove-video-tag", "cora"), ("set-video-tag", "cora")]
    # setting it again lifts the removal
    assert api.put(f"/v1/videos/{vid}/tags/{ns}wd", json={}, headers=CURATOR).status_code == 200
    assert read_labels(graph, ns)[vid] == ([f"{ns}dress", f"{ns}wd"], [])
