"""Merging the pipelines' proposals: dedupe against tags and aliases, scores, kinds, ids, new_only."""
import math

from mining.library import build_library
from mining.merge import candidate_id, merge, new_only

TAGS = [
    {"id": "a1", "name": "连衣裙", "kind": "atomic", "category": "object.clothing.dress", "aliases": ["裙子", "Dress"]},
    {"id": "a2", "name": "红色", "kind": "atomic", "category": "object.attribute.color", "aliases": []},
    {"id": "a3", "name": "卫衣", "kind": "atomic", "category": "object.clothing.top", "aliases": []},
    {"id": "p1", "name": "红色连衣裙", "kind": "phrase", "components": ["a2", "a1"], "aliases": ["红色裙子"]},
    {"id": "r1", "name": "红色毛衣", "kind": "phrase", "status": "rejected", "components": [], "aliases": []},
]


def _cand(name, score, components=(), **evidence):
    return {"name": name, "score": score, "components": list(components),
            "evidence": {"count": 5, "doc_freq": 4, "contexts": [f"【{name}】"], "hot": False, **evidence}}


def test_dedupes_against_names_aliases_and_rejected_tags_by_key():
    lib = build_library(TAGS)
    out = merge({"autophrase": [_cand("裙子", 0.9), _cand("ＤＲＥＳＳ", 0.9), _cand("紅色 裙子", 0.9),
                                _cand("红色毛衣", 0.9), _cand("红色卫衣", 0.5, ["a2", "a3"])]}, lib)
    assert [c["name"] for c in out] == ["红色卫衣"]  # alias, alias in other case/width, traditional alias, rejected


def test_same_key_from_both_pipelines_is_one_candidate_with_combined_score():
    lib = build_library(TAGS)
    out = merge({"autophrase": [_cand("红色卫衣", 0.6, quality=0.8), _cand("新词", 0.3)],
                 "pattern": [_cand("紅色卫衣", 0.5, ["a2", "a3"], pattern="[color][top]")]}, lib)
    red, new = out
    assert red["name"] == "红色卫衣" and red["pipelines"] == ["autophrase", "pattern"]
    assert math.isclose(red["score"], 1 - 0.4 * 0.5) and red["scores"] == {"autophrase": 0.6, "pattern": 0.5}
    assert red["kind"] == "phrase" and red["components"] == ["a2", "a3"]
    assert red["evidence"]["count"] == 5 and red["evidence"]["autophrase"] == {"quality": 0.8}
    assert red["evidence"]["pattern"] == {"pattern": "[color][top]"}
    assert red["id"] == candidate_id("红色卫衣") and red["id"].startswith("c_") and len(red["id"]) == 14
    assert new["kind"] == "atomic" and new["pipelines"] == ["autophrase"]  # no components, no pattern
    assert all(0 <= c["score"] <= 1 for c in out)


def test_candidate_id_is_stable_and_key_based():
    assert candidate_id("红色卫衣") == candidate_id("红色卫衣")
    assert candidate_id("红色卫衣") != candidate_id("蓝色卫衣")


def test_new_only_drops_previously_proposed_keys():
    lib = build_library(TAGS)
    week1 = merge({"pattern": [_cand("红色卫衣", 0.5), _cand("白色卫衣", 0.4)]}, lib)
    week2 = merge({"pattern": [_cand("红色卫衣", 0.6), _cand("黑色卫衣", 0.4)]}, lib)
    assert [c["name"] for c in new_only(week2, (c["key"] for c in week1))] == ["黑色卫衣"]


def test_equal_scores_are_ordered_by_count_and_a_multi_slot_pattern_makes_a_phrase():
    lib = build_library(TAGS)
    rare, common = _cand("甲乙", 0.5), _cand("丙丁", 0.5)
    common["evidence"]["count"] = 50
    hall = _cand("深圳音乐厅", 0.4, [], pattern="[pos:ns]音乐厅", pattern_slots=2)
    place = _cand("南京", 0.3, [], pattern="[pos:ns]", pattern_slots=1)
    out = merge({"autophrase": [rare, common], "pattern": [hall, place]}, lib)
    assert [c["name"] for c in out] == ["丙丁", "甲乙", "深圳音乐厅", "南京"]
    assert out[2]["kind"] == "phrase" and out[3]["kind"] == "atomic"
