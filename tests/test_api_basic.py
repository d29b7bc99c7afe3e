"""The API's first endpoints: health, video and tag detail, stats."""
import json

from loaders.load import load_file


def test_healthz_reports_neo4j(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["neo4j"] == "reachable"


def test_video_and_tag_detail(client, graph, ns, write_file):
    tags = write_file("t.jsonl", "\n".join(json.dumps(t, ensure_ascii=False) for t in [
        {"id": f"{ns}c", "name": f"{ns}白色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}d", "name": f"{ns}连衣裙", "kind": "atomic", "category": "object.clothing.dress"},
        {"id": f"{ns}p", "name": f"{ns}白色连衣裙", "kind": "phrase", "components": [f"{ns}c", f"{ns}d"]},
    ]))
    assert load_file(graph, "tags", tags, progress=False).ok
    assert load_file(graph, "videos", write_file("v.csv", f"id,title\n{ns}v1,白裙\n"), progress=False).ok
    assert load_file(graph, "products", write_file("p.csv", f"id,title,video_ids\n{ns}p1,新款连衣裙,{ns}v1\n"), progress=False).ok

    v = client.get(f"/v1/videos/{ns}v1").get_json()
    assert v["title"] == "白裙" and v["products"] == [{"id": f"{ns}p1", "title": "新款连衣裙", "category": ""}]
    d = client.get(f"/v1/tags/{ns}d").get_json()
    assert d["taxonomy_path"] == ["object", "object.clothing", "object.clothing.dress"]
    p = client.get(f"/v1/tags/{ns}p").get_json()
    assert p["kind"] == "phrase" and [c["id"] for c in p["components"]] == [f"{ns}c", f"{ns}d"]


def test_unknown_ids_get_the_error_shape(client):
    r = client.get("/v1/videos/nope-404")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"
