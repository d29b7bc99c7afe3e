"""Demo clips carry their source records' labels under the ids `tagkg ingest` gives them."""
from __future__ import annotations

import json

from demo.clips import demo_clips
from demo.corpus import generate
from media.ingest import Item, content_hash


def test_clip_labels_follow_the_ingest_id(tmp_path):
    generate(tmp_path / "demo", 20, seed=3, progress=False)
    paths = demo_clips(tmp_path / "clips", tmp_path / "demo" / "videos.jsonl", 2, seconds=2.0, fps=5, progress=False)
    records = [json.loads(line) for line in open(tmp_path / "demo" / "videos.jsonl", encoding="utf-8")][:2]
    demo_rows = [json.loads(line) for line in open(tmp_path / "demo" / "labels.jsonl", encoding="utf-8")]
    clip_rows = [json.loads(line) for line in open(tmp_path / "clips" / "labels.jsonl", encoding="utf-8")]
    for rec, path in zip(records, paths):
        clip_id = content_hash(Item(path, "video"))[0]
        want = sorted((r["tag_id"], r["role"]) for r in demo_rows if r["video_id"] == rec["id"])
        got = sorted((r["tag_id"], r["role"]) for r in clip_rows if r["video_id"] == clip_id)
        assert want and got == want
    assert len(clip_rows) == sum(r["video_id"] in {x["id"] for x in records} for r in demo_rows)
