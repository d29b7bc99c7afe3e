"""Phrase dimensions on hand-made evidence: burst, question, product, audience, mentions."""
from __future__ import annotations

from datetime import date

import numpy as np

from taxonomy.dimensions import (Evidence, MentionIndex, QuestionClassifier, audience_score, burst_score,
                                 is_trending, product_score, question_rule, question_scores, score_phrases)


def test_burst_score_flags_a_spike():
    flat = np.ones(70)
    spike = flat.copy()
    spike[30:37] += 12
    z, ratio, start = burst_score(spike)
    assert start == 30 and z > 8 and ratio > 4
    assert burst_score(flat)[0] < 1
    assert is_trending(spike, spike * 10)[0] and not is_trending(flat, flat * 10)[0]
    assert not is_trending(spike, flat)[0]  # the clicks must burst too


def test_question_detection():
    assert question_rule("如何挑选口红") and question_rule("连衣裙怎么搭") and question_rule("好用吗")
    assert not question_rule("白色连衣裙")
    names = ["如何挑选口红", "口红怎么选", "粉底哪个好", "白色连衣裙", "复古穿搭", "口红测评"] * 3
    model = QuestionClassifier().fit(names, [question_rule(n) for n in names])
    scores = question_scores(["如何挑选粉底", "白色口红"], model)
    assert scores[0] == 1.0 and scores[1] < 0.5


def test_product_vs_content():
    assert product_score("object.clothing.dress", False, 8, 10) >= 0.5      # 白色连衣裙
    assert product_score("event.fashion", False, 0, 10) < 0.5              # 复古穿搭
    assert product_score("object.cosmetics.makeup", True, 8, 10) == 0.0    # 如何挑选口红: a question
    assert product_score("object.food.dish", False, 0, 10) == 0.5 * 1.0    # dish, never sold: borderline


def test_audience_score():
    assert audience_score(30, 5) > 0.5 > audience_score(5, 30)


def test_evidence_counts_names_components_and_searches():
    ev = Evidence(MentionIndex({"白色连衣裙": "p1", "复古穿搭": "p2"}), {"p1": "连衣裙", "p2": "穿搭"},
                  {"p1": ("白色", "连衣裙"), "p2": ("复古", "穿搭")}, date(2026, 1, 1), 10)
    ev.add_video("v1", "今天的白色连衣裙", "2026-01-02", ["夏季白色连衣裙女"])
    ev.add_video("v2", "连衣裙 白色的", "2026-01-03", [])
    ev.add_video("v3", "随便拍拍", "2026-01-03", [])
    ev.add_click("v3", "2026-01-04", 5, query="复古 穿搭")
    ev.add_click("v3", "2026-01-04", 2, tag_id="p2")
    assert ev.text_videos["p1"] == {"v1", "v2"} and ev.search_videos["p2"] == {"v3"}
    assert ev.mentions("p1")[1:3].tolist() == [1, 1] and ev.clicks["p2"][3] == 7
    assert ev.product_counts("p1") == (1, 1)
    scored = score_phrases(ev, {"p1": "白色连衣裙", "p2": "复古穿搭"},
                           {"p1": "object.clothing.dress", "p2": "event.fashion"})
    assert scored["p1"]["dim_product"] and not scored["p2"]["dim_product"]
    assert scored["p2"]["dim_audience"] and not scored["p1"]["dim_audience"]
    assert not scored["p1"]["dim_question"] and not scored["p1"]["dim_trending"]
