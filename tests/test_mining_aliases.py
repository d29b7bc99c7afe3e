"""Alias candidates from shortened names (mining/aliases.py): proposed from the stored corpus, reviewed by curators
(approve adds the alias and reaches the tagger; reject keeps it from coming back)."""
import json

from mining.aliases import alias_candidates, shortened_forms


def test_forms_drop_generic_heads_or_whole_words_of_han_names_only():
    assert shortened_forms("洞庭湖", ["洞庭湖"]) == {"洞庭": "head:湖"}
    assert shortened_forms("阿里巴巴集团", ["阿里巴巴", "集团"]) == {"阿里巴巴": "head:集团", "集团": "suffix"}
    assert shortened_forms("杭州西湖", ["杭州", "西湖"]) == {"杭州": "prefix", "西湖": "suffix"}
    # a one-character word: the segmentation does not know the name, so no cut is trusted
    assert shortened_forms("名场面", ["名", "场面"]) == {}
    assert shortened_forms("iphone") == {} and shortened_forms("西湖", ["西湖"]) == {}


def test_a_form_counts_only_where_it_stands_alone_and_beside_its_tag():
    tags = [{"id": "a", "name": "洞庭湖"}, {"id": "b", "name": "中国移动"}, {"id": "c", "name": "移动"},
            {"id": "d", "name": "洞庭", "status": "rejected"}, {"id": "e", "name": "青螺山"}]
    docs = [{"id": "1", "text": "洞庭湖的秋天 八百里洞庭"}, {"id": "2", "text": "岳阳 洞庭 看日落", "tags": ["a"]},
            {"id": "3", "text": "洞庭湖边"}, {"id": "4", "text": "中国移动 中国的风景"}, {"id": "5", "text": "中国加油"},
            {"id": "6", "text": "中国好声音"}, {"id": "7", "text": "青螺山 青螺"}, {"id": "8", "text": "青螺山下"},
            {"id": "9", "text": "青螺 小吃", "tags": ["e"]}, {"id": "10", "text": "青螺好吃"}]
    found = {(c["tag_id"], c["alias"]): c for c in alias_candidates(tags, docs, min_support=2)}
    # 洞庭 is a (rejected) tag's name: never proposed; 中国 stands alone in 3 videos, only 1 of them Mobile's
    assert set(found) == {("e", "青螺")}
    c = found[("e", "青螺")]
    assert (c["support"], c["shared"], c["how"]) == (3, 2, "head:山")   # 青螺山下 is no standalone use
    assert c["evidence"]["examples"][0] == {"doc": "7", "context": "青螺山 【青螺】"}


def _setup(graph, ns, write_file):
    from loaders.load import load_file

    tags = [{"id": f"{ns}lq", "name": "鹭栖湖", "kind": "atomic"}, {"id": f"{ns}ql", "name": "青螺山", "kind": "atomic"},
            {"id": f"{ns}ym", "name": "云梦泽公园", "kind": "atomic"}]
    titles = ["鹭栖湖的日落 鹭栖真美", "周末去鹭栖 拍晚霞", "鹭栖湖边 鹭栖 骑行", "鹭栖湖 航拍", "今天去鹭栖看看",
              "青螺山 青螺", "青螺山上 青螺", "青螺 美景", "云梦泽公园", "云梦泽 大学", "云梦泽的历史", "云梦泽考古"]
    videos = "id,title\n" + "".join(f"{ns}v{i},{t}\n" for i, t in enumerate(titles))
    assert load_file(graph, "tags", write_file("t.jsonl", "\n".join(json.dumps(t, ensure_ascii=False) for t in tags)),
                     progress=False).ok
    assert load_file(graph, "videos", write_file("v.csv", videos), progress=False).ok
    assert load_file(graph, "labels", write_file("l.jsonl", json.dumps({"video_id": f"{ns}v1", "tag_id": f"{ns}lq"})),
                     progress=False).ok


def test_mined_alias_approved_through_the_api_reaches_the_tagger(graph, ns, settings, tmp_path, write_file, runner):
    from api import create_app
    from mining.store import run_alias_mining
    from tagging.tagger import get_tagger, tag_payloads
    from tagkg.cli import main
    from tests.demo_graph import model_settings

    _setup(graph, ns, write_file)
    run = run_alias_mining(graph, ns, progress=False)
    assert {(c["tag_id"], c["alias"]) for c in run["top"]} == {(f"{ns}lq", "鹭栖"), (f"{ns}ql", "青螺")}
    api = create_app(settings.with_(api_keys=(("cora", "curator", "curator-key-0123456789"),)),
                     {"TESTING": True}).test_client()
    curator = {"X-API-Key": "curator-key-0123456789"}
    page = api.get("/v1/alias-candidates", query_string={"tag_id": f"{ns}lq"}).get_json()
    [cand] = page["items"]
    assert (cand["alias"], cand["support"], cand["shared"], cand["status"]) == ("鹭栖", 4, 3, "candidate")
    assert "【鹭栖】" in json.loads(cand["evidence"])["examples"][0]["context"]

    tag_settings = model_settings(settings, tmp_path)
    payload = [{"title": "周末的鹭栖 晚霞"}]

    def tagged(tagger):   # the recalled candidates, kept or not
        [r] = tag_payloads(graph, tag_settings, payload, tagger=tagger, top_k=20)
        return {t["tag"] for t in r["ranked"]}

    before = get_tagger(graph, tag_settings, ns)
    assert f"{ns}lq" not in tagged(before)
    # approval needs a curator key; then the alias is on the tag, audited, and the next tagging call reads it
    assert api.post(f"/v1/tags/{ns}lq/alias-candidates/approve", json={"alias": "鹭栖"}).status_code == 401
    ok = api.post(f"/v1/tags/{ns}lq/alias-candidates/approve", json={"alias": "鹭栖"}, headers=curator)
    assert ok.status_code == 200 and ok.get_json()["aliases"] == ["鹭栖"]
    again = api.post(f"/v1/tags/{ns}lq/alias-candidates/approve", json={"alias": "鹭栖"}, headers=curator)
    assert again.status_code == 409
    assert api.post(f"/v1/tags/{ns}lq/alias-candidates/approve", json={"alias": "鹭"}, headers=curator).status_code == 404
    assert api.get(f"/v1/tags/{ns}lq/history").get_json()["items"][0]["action"] == "approve-alias"
    after = get_tagger(graph, tag_settings, ns)
    assert after is not before and f"{ns}lq" in tagged(after)

    # the CLI face of the same table: reject with a reason; listing by status
    out = runner.invoke(main, ["candidates", "reject-alias", f"{ns}ql", "青螺", "--reason", "a snail, not the hill",
                               "--who", "cora"])
    assert out.exit_code == 0, out.output
    assert runner.invoke(main, ["candidates", "reject-alias", f"{ns}ql", "青螺", "--who", "cora"]).exit_code != 0
    listed = json.loads(runner.invoke(main, ["candidates", "aliases", "--status", "rejected", "--tag-id", f"{ns}ql"]).output)
    assert [(c["alias"], c["reason"], c["who"]) for c in listed["items"]] == [("青螺", "a snail, not the hill", "cora")]

    # a rerun proposes neither again: 鹭栖 is now an alias, 青螺's rejection stands
    assert run_alias_mining(graph, ns, progress=False)["proposed"] == 1
    rows = graph.query("MATCH (a:AliasCandidate)-[:ALIAS_OF]->(t:Tag) WHERE t.id STARTS WITH $ns "
                       "RETURN a.alias AS alias, a.status AS status ORDER BY alias", ns=ns)
    assert rows == [{"alias": "青螺", "status": "rejected"}, {"alias": "鹭栖", "status": "approved"}]
