"""Demo corpus: determinism, referential integrity, realism knobs, no label-made signal, trending bursts."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from demo.corpus import FILES, generate, iter_jsonl
from demo.lexicons import build_pools
from demo.themes import theme_names
from taxonomy import leaves, load_taxonomy, top_class
from taxonomy.tree import TOP_CLASSES
from text.normalize import normalize

N = 2000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo_a")
    generate(out, N, seed=0, progress=False)
    return out


@pytest.fixture(scope="module")
def data(corpus) -> dict:
    return {name: list(iter_jsonl(corpus / f"{name}.jsonl"))
            for name in ("tags", "videos", "products", "clicks", "ground_truth")}


def test_pools_cover_every_leaf_and_build_fast():
    pools = build_pools()
    assert set(pools) == set(leaves(load_taxonomy()))
    assert all(len(words) >= 10 for words in pools.values())
    names = [w for words in pools.values() for w in words]
    assert len(names) == len(set(names)) > 5000


def test_same_seed_same_bytes_other_seed_differs(corpus, tmp_path):
    again = tmp_path / "again"
    generate(again, N, seed=0, progress=False)
    for name in FILES:
        assert (corpus / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    generate(other, N, seed=1, progress=False)
    assert (corpus / "videos.jsonl").read_bytes() != (other / "videos.jsonl").read_bytes()
    assert (corpus / "ground_truth.jsonl").read_bytes() != (other / "ground_truth.jsonl").read_bytes()


def test_tag_library(data):
    tags = {t["id"]: t for t in data["tags"]}
    assert len(tags) == len(data["tags"])
    assert len({t["name"] for t in tags.values()}) == len(tags)
    atomic = [t for t in tags.values() if t["kind"] == "atomic"]
    phrases = [t for t in tags.values() if t["kind"] == "phrase"]
    assert len(atomic) >= 3000 and len(phrases) >= 2000
    assert {top_class(t["category"]) for t in atomic} == set(TOP_CLASSES)
    assert {t["category"] for t in atomic} <= set(leaves(load_taxonomy()))
    for t in phrases:
        assert t["category"] is None and len(t["components"]) >= 1
        assert all(tags[c]["kind"] == "atomic" for c in t["components"])
        assert all(tags[c]["name"] in t["name"] for c in t["components"])
    for t in atomic:
        assert t["components"] == []
    assert all(t["status"] == "approved" and t["source"] == "demo" for t in tags.values())
    with_alias = [t for t in tags.values() if t["aliases"]]
    assert len(with_alias) > len(tags) // 10
    assert not {a for t in with_alias for a in t["aliases"]} & {t["name"] for t in tags.values()}


def test_every_referenced_id_exists(data, corpus):
    tags = {t["id"] for t in data["tags"]}
    videos = {v["id"] for v in data["videos"]}
    assert len(videos) == N
    truth = data["ground_truth"]
    assert [g["video_id"] for g in truth] == [v["id"] for v in data["videos"]]
    for g in truth:
        # related: 2-6 details and components, plus 1-6 theme, genre and occasion tags (demo/themes.py)
        assert 1 <= len(g["core"]) <= 2 and 3 <= len(g["related"]) <= 14
        assert {*g["core"], *g["related"], *g["distractors"]} <= tags
        assert not set(g["distractors"]) & {*g["core"], *g["related"]}
    for p in data["products"]:
        assert p["video_ids"] and set(p["video_ids"]) <= videos
        assert p["title"] and p["category"].count(">") >= 1
    for c in data["clicks"]:
        assert c["video_id"] in videos and c["count"] >= 1
        assert c["kind"] in ("query", "tag")
        assert c["tag_id"] in tags if c["kind"] == "tag" else c["query"]
    trending = json.loads((corpus / "trending.json").read_text(encoding="utf-8"))
    assert {t["tag_id"] for t in trending["tags"]} <= tags


def test_video_records(data):
    for v in data["videos"][:200]:
        # no visual vector: one built from the gold tags would hand the models the answer
        assert set(v) == {"id", "title", "summary", "asr", "ocr", "created_at", "author", "duration_s"}
        assert v["created_at"].endswith("Z") and v["created_at"][10] == "T"
        assert v["author"].startswith("u") and v["duration_s"] > 0
    products = sum(1 for p in data["products"] for _ in p["video_ids"])
    assert 0.4 * N <= products <= 1.5 * N


def test_stats_and_verbatim_share(corpus, data):
    stats = json.loads((corpus / "stats.json").read_text(encoding="utf-8"))
    assert stats["files"] == {"tags.jsonl": len(data["tags"]), "videos.jsonl": N,
                              "products.jsonl": len(data["products"]),
                              "clicks.jsonl": len(data["clicks"]), "ground_truth.jsonl": N,
                              "labels.jsonl": sum(len(g["core"]) + len(g["related"]) for g in data["ground_truth"])}
    assert set(stats["atomic_by_top_class"]) == set(TOP_CLASSES)
    assert 0.3 < stats["gold_verbatim_share"] < 0.8
    assert 0.3 < stats["gold_verbatim_share_core"] < 0.8
    assert 0.3 < stats["gold_verbatim_share_related"] < 0.8
    assert 5 <= stats["click_rows_per_video"] <= 15
    # recompute the share from the files themselves
    names = {t["id"]: t["name"] for t in data["tags"]}
    hits = total = 0
    for v, g in zip(data["videos"], data["ground_truth"]):
        text = v["title"] + v["summary"] + v["asr"] + v["ocr"]
        for t in g["core"] + g["related"]:
            total += 1
            hits += names[t] in text
        assert all(names[d] in text for d in g["distractors"])
    assert hits / total == pytest.approx(stats["gold_verbatim_share"], abs=1e-3)


def test_most_gold_pairs_are_implied_and_themes_never_written(corpus, data):
    """Like human labels: at least half the gold pairs are tags the text never names (neither name nor
    alias, after normalisation); the theme, genre and occasion tags are approved library tags assigned from
    the content, never named in the video's own text."""
    stats = json.loads((corpus / "stats.json").read_text(encoding="utf-8"))
    tags = {t["id"]: t for t in data["tags"]}
    theme = {t["id"] for t in data["tags"] if t["name"] in theme_names()}
    assert len(theme) == len(theme_names())
    assert all(tags[t]["status"] == "approved" and tags[t]["kind"] == "atomic" for t in theme)
    implied = themed = total = 0
    for v, g in zip(data["videos"], data["ground_truth"]):
        text = normalize(" ".join(v[f] for f in ("title", "summary", "asr", "ocr")))
        assert theme & set(g["related"])   # every video has at least its genre
        for t in g["core"] + g["related"]:
            named = any(normalize(f) in text for f in (tags[t]["name"], *tags[t]["aliases"]))
            total += 1
            implied += not named
            themed += t in theme
            assert not (t in theme and named), (v["id"], tags[t]["name"])
    assert implied / total >= 0.5
    assert implied / total == pytest.approx(stats["gold_implied_share"], abs=5e-3)
    assert 0.15 < themed / total == pytest.approx(stats["gold_theme_share"], abs=1e-3)
    # the same content gives the same theme: every video whose core tag is a 探店 tag is labelled 美食探店
    by_name = {t["name"]: i for i, t in tags.items()}
    for g in data["ground_truth"]:
        if any("探店" in tags[t]["name"] for t in g["core"]):
            assert by_name["美食探店"] in g["related"]


def test_trending_bursts_show_in_click_series(corpus, data):
    trending = json.loads((corpus / "trending.json").read_text(encoding="utf-8"))
    start = date.fromisoformat(trending["span_start"])
    weeks = trending["n_weeks"]
    videos_of = defaultdict(set)
    for g in data["ground_truth"]:
        for t in g["core"] + g["related"]:
            videos_of[t].add(g["video_id"])
    hot = {t["tag_id"]: set(t["weeks"]) for t in trending["tags"]}
    series = {t: [0] * weeks for t in hot}
    for c in data["clicks"]:
        week = (date.fromisoformat(c["day"]) - start).days // 7
        for t in hot:
            if c["video_id"] in videos_of[t] or c.get("tag_id") == t:
                series[t][week] += c["count"]
    shown = 0
    for t, burst in hot.items():
        # clicks fade over a week or two after a video is posted, so skip the tail weeks
        quiet = [series[t][w] for w in range(weeks) if all(abs(w - b) > 2 for b in burst)]
        in_burst = sum(series[t][w] for w in burst) / len(burst)
        shown += in_burst > 3 * (sum(quiet) / len(quiet)) + 5
    assert len(hot) >= 4 and shown >= 0.75 * len(hot)
