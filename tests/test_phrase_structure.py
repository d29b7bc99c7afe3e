"""Phrase structure on a tiny hand-made library: components, head, BROADER pairs, missing parts."""
from __future__ import annotations

import pytest

from mining.merge import candidate_id
from text.normalize import tag_key
from taxonomy.phrase import Structure, broader_edges, build_segmenter, proposals

ATOMICS = [{"id": "a1", "name": "白色"}, {"id": "a2", "name": "连衣裙", "aliases": ["dress"]},
           {"id": "a3", "name": "长款"}, {"id": "a4", "name": "挑选"}, {"id": "a5", "name": "口红"}]


@pytest.fixture(scope="module")
def seg():
    return build_segmenter(ATOMICS)


def test_head_of_white_dress_is_dress(seg):
    s = seg.split("白色连衣裙")
    assert s.components == ("a1", "a2") and s.head == "a2" and s.missing == ()


def test_aliases_and_question_words(seg):
    assert seg.split("白色dress").components == ("a1", "a2")
    s = seg.split("如何挑选口红")
    assert s.components == ("a4", "a5") and s.head == "a5" and s.missing == ()


def test_superset_with_same_head_is_narrower():
    structs = {"p1": Structure(("a1", "a2"), "a2"), "p2": Structure(("a1", "a3", "a2"), "a2"),
               "p3": Structure(("a4", "a5"), "a5")}
    edges = set(broader_edges(structs))
    assert ("p2", "p1") in edges  # 白色长款连衣裙 -> 白色连衣裙
    assert {("p1", "a2"), ("p2", "a2"), ("p3", "a5")} <= edges
    assert ("p1", "p2") not in edges and not any(b == "p3" for _, b in edges)


def test_missing_part_is_proposed(seg):
    s = seg.split("白色显瘦连衣裙")
    assert s.components == ("a1", "a2") and s.missing == ("显瘦",)
    [cand] = proposals({"p9": s})
    assert cand["name"] == "显瘦" and cand["id"] == candidate_id(tag_key("显瘦")) and cand["phrases"] == ["p9"]
