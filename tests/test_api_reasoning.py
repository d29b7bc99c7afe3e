"""Tag-reasoning endpoints on a small hand-built graph: detail, related, path, class, videos, why, similar."""
import json

import pytest

from loaders.load import load_file


@pytest.fixture
def kg(graph, ns, write_file):
    """白色, 连衣裙, 复古 (atomic); 白色连衣裙, 复古连衣裙 (phrases); videos tagged, clicked, similar."""
    tags = [
        {"id": f"{ns}white", "name": f"{ns}白色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}dress", "name": f"{ns}连衣裙", "kind": "atomic", "category": "object.clothing.dress", "aliases": [f"{ns}dress"]},
        {"id": f"{ns}retro", "name": f"{ns}复古", "kind": "atomic", "category": "object.attribute.style"},
        {"id": f"{ns}wd", "name": f"{ns}白色连衣裙", "kind": "phrase", "components": [f"{ns}white", f"{ns}dress"]},
        {"id": f"{ns}rd", "name": f"{ns}复古连衣裙", "kind": "phrase", "components": [f"{ns}retro", f"{ns}dress"]},
    ]
    assert load_file(graph, "tags", write_file("t.jsonl", "\n".join(json.dumps(t, ensure_ascii=False) for t in tags)), progress=False).ok
    videos = f"id,title,created_at\n{ns}v1,{ns}白色连衣裙穿搭,2026-01-01\n{ns}v2,复古风,2026-02-01\n{ns}v3,无关,2026-03-01\n"
    assert load_file(graph, "videos", write_file("v.csv", videos), progress=False).ok
    assert load_file(graph, "products", write_file("p.csv", f"id,title,video_ids\n{ns}p1,{ns}白色连衣裙夏,{ns}v1|{ns}v3\n"), progress=False).ok
    clicks = (f"kind,query,tag_id,video_id,day,count\nquery,{ns}白色连衣裙 推荐,,{ns}v1,2026-05-01,4\n"
              f"tag,,{ns}wd,{ns}v2,2026-05-01,7\n")
    assert load_file(graph, "clicks", write_file("c.csv", clicks), progress=False).ok
    graph.execute("""
        MATCH (v1:Video {id: $ns + 'v1'}), (v2:Video {id: $ns + 'v2'}), (wd:Tag {id: $ns + 'wd'}),
              (rd:Tag {id: $ns + 'rd'}), (d:Tag {id: $ns + 'dress'})
        CREATE (v1)-[:HAS_TAG {score: 0.9, role: 'core', channels: ['content', 'query'], model: 'test',
                               evidence: '{"title": true}', source: 'tagger'}]->(wd),
               (v1)-[:HAS_TAG {score: 0.4, role: 'related', channels: ['content'], source: 'gold-train'}]->(d),
               (v2)-[:HAS_TAG {score: 0.8, role: 'core', channels: ['similar_video']}]->(rd),
               (v2)-[:HAS_TAG {score: 0.3, role: 'related', channels: ['content']}]->(d),
               (wd)-[:BROADER]->(d), (rd)-[:BROADER]->(d),
               (wd)-[:SIMILAR_TO {score: 0.77, method: 'text'}]->(rd)
        SET wd.head = $ns + 'dress', wd.dim_product = true, wd.dim_product_score = 0.8, wd.dim_trending = false
    """, ns=ns)
    return ns


def test_tag_detail_has_head_dimensions_path_and_usage(client, kg):
    ns = kg
    t = client.get(f"/v1/tags/{ns}wd").get_json()
    assert t["kind"] == "phrase" and t["status"] == "approved"
    assert t["head"] == {"id": f"{ns}dress", "name": f"{ns}连衣裙"}
    assert t["dimensions"] == {"product": True, "product_score": 0.8, "trending": False}
    assert [c["id"] for c in t["components"]] == [f"{ns}white", f"{ns}dress"]
    assert t["tagged_videos"] == 1 and t["clicked_videos"] == 1
    d = client.get(f"/v1/tags/{ns}dress").get_json()
    assert d["taxonomy_path"] == ["object", "object.clothing", "object.clothing.dress"]
    assert d["taxonomy"][1]["zh"] and d["aliases"] == [f"{ns}dress"] and d["category"]["method"] == "curated"


def test_related_tags_by_relation(client, kg):
    ns = kg
    rel = client.get(f"/v1/tags/{ns}wd/related").get_json()["relations"]
    ids = {name: [i["tag"]["id"] for i in page["items"]] for name, page in rel.items()}
    assert ids["similar"] == [f"{ns}rd"] and rel["similar"]["items"][0]["score"] == pytest.approx(0.77)
    assert ids["shared_component"] == [f"{ns}rd"]
    assert rel["shared_component"]["items"][0]["evidence"]["shared_components"] == [f"{ns}连衣裙"]
    assert ids["component"] == [f"{ns}white", f"{ns}dress"]
    assert ids["broader"] == [f"{ns}dress"] and ids["narrower"] == []
    # v1 carries wd and dress; v2 (clicked from wd) carries rd and dress
    assert ids["cooccurrence"][0] == f"{ns}dress" and set(ids["cooccurrence"]) == {f"{ns}dress", f"{ns}rd"}
    narrower = client.get(f"/v1/tags/{ns}dress/related?relation=narrower&limit=1").get_json()["relations"]
    assert list(narrower) == ["narrower"] and len(narrower["narrower"]["items"]) == 1
    assert narrower["narrower"]["next_offset"] == 1
    assert client.get(f"/v1/tags/{ns}dress/related?relation=bogus").status_code == 422
    assert client.get(f"/v1/tags/{ns}nope/related").status_code == 404


def test_path_between_tags_is_explained(client, kg):
    ns = kg
    p = client.get(f"/v1/tags/{ns}white/path/{ns}retro").get_json()
    assert p["path"]["length"] == 3  # white <- wd -> dress <- rd -> retro is 4; via SIMILAR_TO wd~rd it is 3
    assert p["path"]["nodes"][0]["id"] == f"{ns}white" and p["path"]["nodes"][-1]["id"] == f"{ns}retro"
    assert f"{ns}白色连衣裙 is composed of {ns}白色" in p["explanation"]
    assert client.get(f"/v1/tags/{ns}white/path/{ns}nope").status_code == 404
    assert client.get(f"/v1/tags/{ns}white/path/{ns}white").get_json()["path"]["length"] == 0


def test_category_tags_and_taxonomy_tree(client, kg):
    ns = kg
    page = client.get("/v1/taxonomy/object.clothing/tags?limit=200&status=approved").get_json()
    assert page["parent"] == "object" and "object.clothing.dress" in page["children"]
    own = client.get("/v1/taxonomy/object.clothing/tags?deep=false").get_json()
    assert all(t["category"] == "object.clothing" for t in own["items"])
    found, offset = [], 0
    while offset is not None:  # walk the pages until our tag shows up
        page = client.get(f"/v1/taxonomy/object.clothing.dress/tags?limit=200&offset={offset}").get_json()
        found += [t["id"] for t in page["items"]]
        offset = page["next_offset"]
    assert f"{ns}dress" in found
    tree = client.get("/v1/taxonomy").get_json()
    assert len(tree["children"]) == 8
    sub = client.get("/v1/taxonomy?root=object.clothing").get_json()
    assert sub["id"] == "object.clothing" and sub["total"] >= sub["tags"] and sub["total"] >= 1
    assert client.get("/v1/taxonomy?root=no.such").status_code == 404
    assert client.get("/v1/taxonomy/no.such/tags").status_code == 404


def test_tag_videos_ranked_for_topic_selection(client, kg):
    ns = kg
    out = client.get(f"/v1/tags/{ns}wd/videos").get_json()
    assert [i["video"]["id"] for i in out["items"]] == [f"{ns}v1", f"{ns}v2"]  # core 0.9 first, then 7 clicks
    assert out["items"][1]["clicks"] == 7 and out["items"][0]["role"] == "core"
    recent = client.get(f"/v1/tags/{ns}wd/videos?sort=recent").get_json()
    assert [i["video"]["id"] for i in recent["items"]] == [f"{ns}v2", f"{ns}v1"]
    assert client.get(f"/v1/tags/{ns}wd/videos?limit=1").get_json()["next_offset"] == 1


def test_video_tags_and_why(client, kg):
    ns = kg
    tags = client.get(f"/v1/videos/{ns}v1/tags").get_json()["items"]
    assert [(t["tag"]["id"], t["role"]) for t in tags] == [(f"{ns}wd", "core"), (f"{ns}dress", "related")]
    assert tags[0]["channels"] == ["content", "query"]
    assert [t["source"] for t in tags] == ["tagger", "gold-train"]
    assert [t["tag"]["id"] for t in client.get(f"/v1/videos/{ns}v1/tags?role=core").get_json()["items"]] == [f"{ns}wd"]
    why = client.get(f"/v1/videos/{ns}v1/tags/{ns}wd/why").get_json()
    assert why["tagged"] and why["has_tag"]["channels"] == ["content", "query"]
    assert why["evidence"]["queries"] == [{"text": f"{ns}白色连衣裙 推荐", "count": 4}]
    assert why["evidence"]["products"][0]["id"] == f"{ns}p1" and why["evidence"]["text_fields"] == ["title"]
    assert "search queries" in why["explanation"] and "by model test" in why["explanation"]
    by_hand = client.get(f"/v1/videos/{ns}v1/tags/{ns}dress/why").get_json()
    assert by_hand["has_tag"]["source"] == "gold-train" and "by hand (gold-train)" in by_hand["explanation"]
    untagged = client.get(f"/v1/videos/{ns}v2/tags/{ns}wd/why").get_json()
    assert not untagged["tagged"] and untagged["evidence"]["tag_clicks"]["count"] == 7
    assert client.get(f"/v1/videos/{ns}nope/tags").status_code == 404


def test_similar_videos_without_a_model_share_tags_and_products(client, kg):
    # similar videos come from the GNN index (tests/test_gnn_pipeline.py); with no model trained, and for
    # videos it has not seen, the videos sharing tags and products stand in
    ns = kg
    sim = client.get(f"/v1/videos/{ns}v1/similar").get_json()   # v2: dress tag and a wd click; v3: product p1
    assert sim["method"] == "shared_tags" and [i["video"]["id"] for i in sim["items"]] == [f"{ns}v2", f"{ns}v3"]
    shared = client.get(f"/v1/videos/{ns}v3/similar").get_json()
    assert shared["method"] == "shared_tags" and [i["video"]["id"] for i in shared["items"]] == [f"{ns}v1"]


def test_search_prefix_alias_and_fulltext(client, kg):
    ns = kg
    hits = client.get("/v1/tags", query_string={"q": f"{ns}白色"}).get_json()["items"]
    assert hits[0]["id"] == f"{ns}white" and f"{ns}wd" in [h["id"] for h in hits]
    assert [h["id"] for h in client.get("/v1/tags", query_string={"q": f"{ns}白色", "kind": "phrase"}).get_json()["items"]] == [f"{ns}wd"]
    by_alias = client.get("/v1/tags", query_string={"q": f"{ns}dress"}).get_json()["items"]
    assert by_alias[0]["id"] == f"{ns}dress"  # the id matches exactly; the alias through the full-text index
    assert client.get("/v1/tags").status_code == 422


def test_reasoning_functions_are_plain_dicts(graph, kg):
    from graph import reads

    ns = kg
    assert reads.tag_detail(graph, f"{ns}wd")["head"]["id"] == f"{ns}dress"
    assert reads.tag_detail(graph, f"{ns}nope") is None
    assert reads.related_tags(graph, f"{ns}wd", ("broader",))["relations"]["broader"]["items"][0]["tag"]["id"] == f"{ns}dress"
    assert reads.why_tag(graph, f"{ns}v1", f"{ns}wd")["tagged"]
