"""Ingest into the real Neo4j: bad files rejected per file with the rest stored, reruns skipped, tags with
OCR-line and frame evidence, near duplicates linked and lending tags, `load videos` with a media field,
and POST /v1/videos with an uploaded file."""
from __future__ import annotations

import json

import pytest

from demo_graph import model_settings
from media_clips import bad_files, scenes_clip

KEYS = (("rita", "reader", "reader-key-0123456789"), ("tom", "tagger", "tagger-key-0123456789"))
TAGGER, READER = {"X-API-Key": "tagger-key-0123456789"}, {"X-API-Key": "reader-key-0123456789"}


@pytest.fixture
def mset(settings, tmp_path, graph, ns):
    yield model_settings(settings, tmp_path)
    graph.execute("MATCH (k:Keyframe) WHERE k.video_id STARTS WITH $ns DETACH DELETE k", ns=ns)


def _count(graph, ns):
    return graph.query("""MATCH (v:Video) WHERE v.id STARTS WITH $ns
                          RETURN count(v) AS videos, COUNT { MATCH (k:Keyframe) WHERE k.video_id STARTS WITH $ns } AS frames""",
                       ns=ns)[0]


def test_bad_files_rejected_and_the_rest_ingested(graph, ns, mset, tmp_path, runner):
    from tagkg.cli import main

    folder = tmp_path / "in"
    expected = bad_files(folder)
    scenes_clip(folder / "good.mp4", photos=("chelsea", "rocket"), lines=("今天去西湖", "断桥看雪"))
    rejects = tmp_path / "rejects.jsonl"
    env = {"TAGKG_DATA_DIR": str(mset.data_dir)}
    args = ["ingest", str(folder), "--id-prefix", ns, "--no-tag", "--no-progress", "--rejects", str(rejects)]
    res = runner.invoke(main, args, env=env)
    assert res.exit_code == 1, res.output
    assert "1 ingested" in res.output and f"{len(expected)} rejected" in res.output
    got = {json.loads(line)["file"].rsplit("/", 1)[-1]: json.loads(line) for line in rejects.read_text().splitlines()}
    assert {f: r["stage"] for f, r in got.items()} == expected
    assert "truncated" in got["truncated.mkv"]["reason"] and "0 bytes" in got["empty.mov"]["reason"]
    assert "audio-only" in got["audio.mp4"]["reason"] and "aspect" in got["wide.mp4"]["reason"]
    assert "limit of 60 min" in got["two-hours.mp4"]["reason"] and "mpeg2video" in got["mpeg2.mkv"]["reason"]
    # only the good clip is in Neo4j, complete: node, keyframes, thumbnails on disk
    row = graph.query("""MATCH (v:Video) WHERE v.id STARTS WITH $ns
                         RETURN v.id AS id, v.title AS title, v.ocr AS ocr, v.codec AS codec, v.visual_model AS model,
                                v.visual_dim AS dim, size(v.visual) AS n, v.duration_s AS d,
                                COLLECT { MATCH (v)-[:HAS_KEYFRAME]->(k) RETURN k.thumb } AS thumbs""", ns=ns)
    assert len(row) == 1 and row[0]["title"] == "good" and "西湖" in row[0]["ocr"] and row[0]["codec"] == "h264"
    assert row[0]["model"] == "efficientnet-lite0" and row[0]["dim"] == row[0]["n"] == 1280 and row[0]["d"] == 4
    assert len(row[0]["thumbs"]) == 2 and all((mset.data_dir / "media" / t).is_file() for t in row[0]["thumbs"])
    assert _count(graph, ns) == {"videos": 1, "frames": 2}
    assert len(list((mset.data_dir / "media" / "thumbs").iterdir())) == 1   # no thumbnails of rejected files
    # a rerun skips the stored file and still reports the bad ones
    again = runner.invoke(main, args, env=env)
    assert again.exit_code == 1 and "0 ingested, 1 skipped" in again.output
    assert _count(graph, ns) == {"videos": 1, "frames": 2}


def test_ingested_clips_tagged_with_frame_and_ocr_evidence(graph, ns, mset, tmp_path):
    from loaders.load import load_file
    from media.ingest import ingest
    from tagging.tagger import Tagger

    tags = tmp_path / "tags.jsonl"
    tags.write_text("".join(json.dumps({"id": f"{ns}t{i}", "name": n, "kind": "atomic"}, ensure_ascii=False) + "\n"
                            for i, n in enumerate(("西湖", "猫", "断桥", "旅行"))), encoding="utf-8")
    assert load_file(graph, "tags", tags, progress=False).ok
    lines = ("今天带大家去杭州西湖", "断桥残雪真的太美了")
    a = scenes_clip(tmp_path / "a.mp4", photos=("chelsea", "coffee"), lines=lines, title="西湖一日游", size=(640, 360),
                    bitrate=1_500_000)
    b = scenes_clip(tmp_path / "b.mp4", photos=("chelsea", "coffee"), lines=lines, title="西湖一日游", size=(640, 360),
                    bitrate=150_000)
    report = ingest(graph, mset, [a], id_prefix=ns, progress=False)
    assert report.ok and len(report.ids) == 1
    vid_a = report.ids[0]
    graph.execute("MATCH (v:Video {id: $v}), (t:Tag {id: $t}) MERGE (v)-[:HAS_TAG {source: 'curator', role: 'core'}]->(t)",
                  v=vid_a, t=f"{ns}t3")                        # a curator says A is 旅行
    report = ingest(graph, mset, [b], id_prefix=ns, progress=False)
    assert report.ok and report.near_duplicates == 1
    vid_b = report.ids[0]
    link = graph.query("MATCH (:Video {id: $a})-[d:NEAR_DUPLICATE]-(:Video {id: $b}) RETURN d.distance AS d", a=vid_a, b=vid_b)
    assert len(link) == 1 and link[0]["d"] <= 6

    from tagging import store
    from tagging.tagger import tag_stored
    tagger = Tagger.from_graph(graph, mset, prefix=ns, rank_version=None)
    result = tag_stored(graph, mset, [vid_b], tagger=tagger)[0]
    got = {t["name"]: t for t in result["core"] + result["related"]}
    assert {"西湖", "猫", "旅行"} <= set(got), got.keys()
    # on-screen text: the evidence names the OCR line, the keyframe and its time (the title, burned in, is read too)
    line = got["西湖"]["evidence"]["text"]["items"][0]["ocr_line"]
    assert "西湖" in line["text"] and line["frame"] == 0 and line["t"] == 0
    # a tag named only in the second subtitle: its candidate points at the second keyframe
    rb = tagger.recall(store.read_videos(graph, [vid_b]))
    duanqiao = next(m for m in rb.merged[0] if tagger.lib.names[m.row] == "断桥")
    assert duanqiao.evidence["text"][0]["ocr_line"] == {"text": "断桥残雪真的太美了", "frame": 1, "t": 2.0}
    # zero-shot visual: the ImageNet class and the frame it was seen on
    zs = got["猫"]["evidence"]["zeroshot"]["items"][0]
    assert "cat" in zs["class"] or zs["class"] == "tabby"
    assert zs["frame"] == 0 and zs["prob"] >= 0.15 and "text" not in got["猫"]["channels"]
    # the near duplicate lends its curated tag
    assert got["旅行"]["channels"] == ["neardup"] and got["旅行"]["evidence"]["neardup"]["items"][0]["video"] == vid_a
    # the stored HAS_TAG edges keep that evidence for the tag's "why"
    stored = {r["name"]: json.loads(r["evidence"]) for r in graph.query(
        "MATCH (:Video {id: $v})-[h:HAS_TAG]->(t:Tag) RETURN t.name AS name, h.evidence AS evidence", v=vid_b)}
    assert stored["猫"]["zeroshot"]["items"][0]["frame"] == 0 and "ocr_line" in stored["西湖"]["text"]["items"][0]


def test_load_videos_with_a_media_field(graph, ns, mset, tmp_path):
    from loaders.load import load_file
    from media.ingest import media_rows

    clip = scenes_clip(tmp_path / "clip.mp4", photos=("rocket", "coffee"))
    rows = tmp_path / "v.jsonl"
    rows.write_text(json.dumps({"id": f"{ns}v1", "title": "我的火箭视频", "media": str(clip)}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": f"{ns}v2", "title": "丢失", "media": str(tmp_path / "missing.mp4")}) + "\n",
                    encoding="utf-8")
    report = load_file(graph, "videos", rows, progress=False, media=media_rows(graph, mset, use_ocr=False))
    assert report.stored == 1 and report.rejected == 1
    reject = json.loads(open(report.rejects_path).read().splitlines()[0])
    assert reject["line"] == 2 and reject["field"] == "media" and "no such file" in reject["reason"]
    v = graph.query("""MATCH (v:Video {id: $id}) RETURN v.title AS title, v.visual_dim AS dim, v.media AS media,
                       COUNT { (v)-[:HAS_KEYFRAME]->() } AS frames""", id=f"{ns}v1")[0]
    assert v == {"title": "我的火箭视频", "dim": 1280, "media": str(clip), "frames": 2}


def test_post_video_upload(graph, ns, mset, tmp_path):
    from api import create_app

    api = create_app(mset.with_(api_keys=KEYS, api_max_upload_bytes=2_000_000), {"TESTING": True}).test_client()
    clip = scenes_clip(tmp_path / "up.mp4", photos=("astronaut", "rocket"), lines=("宇航员的一天", "火箭发射"))
    body = clip.read_bytes()
    url = "/v1/videos?filename=up.mp4&tag=false"
    assert api.post(url, data=body, headers=READER, content_type="video/mp4").status_code == 403
    r = api.post(url, data=body, headers=TAGGER, content_type="video/mp4")
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    vid = out["id"]
    try:
        assert out["ingested"] and out["video"]["title"] == "up" and len(out["keyframes"]) == 2
        assert out["keyframes"][0]["ocr"][0]["text"] and out["keyframes"][0]["thumb"].endswith("/0.jpg")
        thumb = api.get(out["keyframes"][0]["thumb"])
        assert thumb.status_code == 200 and thumb.data[:2] == b"\xff\xd8"     # a JPEG
        frames = api.get(f"/v1/videos/{vid}/keyframes").get_json()
        assert [k["index"] for k in frames["keyframes"]] == [0, 1] and frames["near_duplicates"] == []
        again = api.post(url, data=body, headers=TAGGER, content_type="video/mp4")
        assert again.status_code == 200 and again.get_json()["skipped"] and again.get_json()["id"] == vid
        bad = api.post("/v1/videos?filename=x.mp4", data=b"not a video", headers=TAGGER, content_type="video/mp4")
        assert bad.status_code == 422 and "probe" in bad.get_json()["error"]["message"]
        big = api.post(url, data=b"\0" * 2_100_000, headers=TAGGER, content_type="video/mp4")
        assert big.status_code == 413
        assert len(list((mset.data_dir / "media" / "uploads").iterdir())) == 1   # only the stored upload is kept
    finally:
        graph.execute("MATCH (v:Video {id: $id}) OPTIONAL MATCH (v)-[:HAS_KEYFRAME]->(k) DETACH DELETE v, k", id=vid)
