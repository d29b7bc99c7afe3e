"""Atomic-tag classification rules, lexicon evidence and the kNN step, on tiny hand-made inputs."""
from __future__ import annotations

import numpy as np
import pytest

from taxonomy.classify import classify, evidence, knn_assign, list_evidence, rule_evidence, suffix_evidence


@pytest.mark.parametrize("name, leaf, method", [
    ("99元", "number.price", "rule:number"), ("9.9元", "number.price", "rule:number"),
    ("M码", "number.size", "rule:number"), ("160cm", "number.size", "rule:number"),
    ("30岁", "number.age", "rule:number"), ("00后", "number.age", "rule:number"),
    ("7天", "number.quantity", "rule:number"), ("10分钟", "number.quantity", "rule:number"),
    ("三件", "number.quantity", "rule:number"),
    ("2024年", "time.year", "rule:date"), ("90年代", "time.year", "rule:date"),
    ("8点", "time.daypart", "rule:time"), ("10:30", "time.daypart", "rule:time"),
])
def test_number_date_time_rules(name, leaf, method):
    found = rule_evidence(name)
    assert found is not None and (found.leaf, found.method) == (leaf, method)


def test_rules_leave_words_alone():
    assert rule_evidence("连衣裙") is None and rule_evidence("元宵") is None


def test_festival_and_season_lists():
    assert list_evidence("中秋节").leaf == "time.festival"
    assert list_evidence("双十一").method == "lexicon:festival"
    assert list_evidence("立冬").leaf == "time.season" and list_evidence("初秋").leaf == "time.season"
    assert list_evidence("连衣裙") is None


def test_jieba_pos_ns_is_a_place():
    found = evidence("黄河")  # jieba POS ns; in no place dictionary, no THUOCL list
    assert found.method == "lexicon:jieba-pos" and found.leaf is None and found.top == "place"


def test_jionlp_places_and_suffix_rule():
    assert evidence("杭州").leaf == "place.city" and evidence("杭州").method == "lexicon:jionlp"
    assert evidence("浙江").leaf == "place.province"
    assert suffix_evidence("碎花连衣裙").leaf == "object.clothing.dress"
    assert suffix_evidence("裙") is None  # the ending alone says nothing


def test_knn_assigns_the_neighbours_class():
    ref = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    got = knn_assign(np.array([[0.95, 0.05], [0.1, 0.9]]), ref, ["a.x", "a.x", "b.y"], k=1)
    assert [a.leaf for a in got] == ["a.x", "b.y"] and all(a.method == "knn" for a in got)
    assert 0 < got[0].confidence <= 1


def test_knn_respects_a_top_class_hint():
    ref = np.array([[1.0, 0.0], [0.0, 1.0]])
    got = knn_assign(np.array([[1.0, 0.0]]), ref, ["object.home", "place.city"], k=1, tops=["place"])
    assert got[0].leaf == "place.city"


def test_classify_uses_evidence_first_then_knn():
    vectors = {"奇怪词": [1.0, 0.0], "参考甲": [1.0, 0.1], "参考乙": [0.0, 1.0]}
    embed = lambda names: np.array([vectors[n] for n in names])  # noqa: E731
    got = classify(["99元", "奇怪词"], ["参考甲", "参考乙"], ["event.vlog", "ip.game"], embed, k=1)
    assert (got[0].leaf, got[0].method) == ("number.price", "rule:number")
    assert (got[1].leaf, got[1].method) == ("event.vlog", "knn")
    knn_only = classify(["99元"], ["参考甲"], ["event.vlog"], lambda n: np.array([[1.0, 0.0]] * len(n)),
                        k=1, use_lexicon=False)
    assert knn_only[0].method == "knn" and knn_only[0].leaf == "event.vlog"


def test_the_mining_knowledge_base_is_thuocl_names_without_idioms_or_everyday_words():
    from taxonomy.classify import thuocl_words

    words = thuocl_words()
    assert {"罗汉果", "口腔科"} <= words  # food, medicine
    assert words.isdisjoint({"根深蒂固", "推荐", "分享"})  # idioms (成语) and the finance list's verbs


def test_chinese_numeral_dates_and_name_endings_of_real_text():
    from taxonomy.classify import evidence

    leaf = lambda w: evidence(w).leaf  # noqa: E731
    assert leaf("一九九八年") == leaf("1541年") == "time.year"
    assert leaf("三十一日") == leaf("一月份") == leaf("一季度") == "time.season"
    assert leaf("八点钟") == leaf("七八点") == "time.daypart"
    assert leaf("刘庄村") == "place.city" and leaf("卡拉沃沃州") == "place.province"
    ministry = evidence("公安部")
    assert ministry.leaf is None and ministry.top_class == "org"  # no leaf of its own: kNN picks among org's
    assert evidence("东部") is None  # one character before a one-character ending: a common word
