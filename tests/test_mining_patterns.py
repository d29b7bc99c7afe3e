"""Pattern mining from [颜色][服饰]-style phrase tags, and matching the patterns on a corpus."""
from functools import lru_cache

import numpy as np

from mining.corpus import build_corpus, make_tokenizer
from mining.library import build_library
from mining.ngrams import build_ngrams
from mining.patterns import match_patterns, mine_patterns, parent_map, show
from mining.variants import variant_features
from taxonomy.tree import flatten, load_taxonomy

ATOMIC = {
    "a1": ("红色", "object.attribute.color"), "a2": ("白色", "object.attribute.color"),
    "a3": ("蓝色", "object.attribute.color"), "a4": ("黑色", "object.attribute.color"),
    "a5": ("卫衣", "object.clothing.top"), "a6": ("衬衫", "object.clothing.top"),
    "a7": ("连衣裙", "object.clothing.dress"), "a8": ("杭州", "place.city"), "a9": ("成都", "place.city"),
    "a10": ("苏州", "place.city"), "a11": ("旅行", "event.travel"), "a12": ("vlog", "event.vlog"),
    "a13": ("重庆", "place.city"),
}
PHRASES = {"p1": ["a2", "a5"], "p2": ["a3", "a5"], "p3": ["a4", "a6"], "p4": ["a2", "a7"],
           "p5": ["a8", "a11", "a12"], "p6": ["a9", "a11", "a12"], "p7": ["a10", "a11", "a12"]}


def _tags():
    tags = [{"id": i, "name": n, "kind": "atomic", "category": c, "aliases": []} for i, (n, c) in ATOMIC.items()]
    tags += [{"id": i, "name": "".join(ATOMIC[a][0] for a in comps), "kind": "phrase", "category": None,
              "components": comps, "aliases": []} for i, comps in PHRASES.items()]
    return tags


@lru_cache(maxsize=1)
def _setup():
    lib = build_library(_tags())
    tok = make_tokenizer(lib.user_words)
    phrase_tokens = [(p, tok.lcut(p["name"])) for p in lib.phrases]
    parents = parent_map(flatten(load_taxonomy()))
    return lib, tok, phrase_tokens, parents


def test_patterns_are_mined_from_components_categories():
    lib, _, phrase_tokens, parents = _setup()
    patterns = {show(p): s for p, s in mine_patterns(phrase_tokens, lib, parents, min_support=3).items()}
    assert patterns["[object.attribute.color][object.clothing.top]"] == 3  # 白色卫衣 蓝色卫衣 黑色衬衫
    assert patterns["[object.attribute.color][object.clothing]"] == 4  # one level up: 白色连衣裙 too
    assert patterns["[place.city]旅行vlog"] == 3  # frequent literals stay literal...
    assert patterns["[place.city][event.travel][event.vlog]"] == 3
    assert "白色[object.clothing.top]" not in patterns  # ...rare ones do not (support 1)
    assert all("[" in p for p in patterns)  # a pattern keeps at least one category slot


def test_matching_proposes_a_new_colour_garment_with_its_components():
    lib, tok, phrase_tokens, parents = _setup()
    texts = ["今天穿红色卫衣出门", "红色卫衣真好看", "我的红色卫衣", "重庆旅行vlog来了", "重庆旅行vlog第二期",
             "白色卫衣也不错", "白色卫衣上新", "红色真好看，卫衣"]
    corpus = build_corpus([{"id": str(i), "text": t, "date": None} for i, t in enumerate(texts)], tok,
                          workers=1, progress=False)
    table = build_ngrams(corpus, progress=False)
    slips = variant_features(table.keys, table.count, lib.trusted_keys)
    patterns = mine_patterns(phrase_tokens, lib, parents, min_support=3)
    found = {c["name"]: c for c in match_patterns(table, corpus, lib, patterns, parents, slips)}
    assert set(found) == {"红色卫衣", "重庆旅行vlog"}  # 白色卫衣 is already a tag
    red = found["红色卫衣"]
    assert red["components"] == ["a1", "a5"] and 0 < red["score"] <= 1
    assert red["evidence"]["count"] == 3 and red["evidence"]["pattern"].startswith("[object.attribute.color]")
    assert found["重庆旅行vlog"]["evidence"]["pattern"] == "[place.city]旅行vlog"  # the most precise fit
    assert len(red["evidence"]["contexts"]) == 3


def test_matching_needs_min_count():
    lib, tok, phrase_tokens, parents = _setup()
    corpus = build_corpus([{"id": "1", "text": "红色卫衣", "date": None}], tok, workers=1, progress=False)
    table = build_ngrams(corpus, min_count=1, progress=False)
    patterns = mine_patterns(phrase_tokens, lib, parents, min_support=3)
    slips = np.zeros((len(table.texts), 4))
    assert match_patterns(table, corpus, lib, patterns, parents, slips, min_count=2) == []
    assert [c["name"] for c in match_patterns(table, corpus, lib, patterns, parents, slips, min_count=1)] == ["红色卫衣"]
