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


def test_an_atomic_only_library_without_categories_yields_pos_patterns_and_candidates():
    """No phrase tags, no categories: the atomic tags' dictionary POS, and how the dictionary cuts
    them (上海音乐厅 = 上海 + 音乐厅), are the patterns; new places and halls are proposed."""
    from mining.pipeline import mine

    names = ["北京", "上海", "广州", "深圳", "天津音乐厅", "上海音乐厅", "广州音乐厅", "北京大学", "南京大学", "武汉大学"]
    tags = [{"id": f"a{i}", "name": n, "kind": "atomic", "aliases": []} for i, n in enumerate(names)]
    lib = build_library(tags)
    atomic_tokens = [(f"a{i}", make_tokenizer(()).lcut(n)) for i, n in enumerate(names)]
    patterns = {show(p): s for p, s in mine_patterns([], lib, {}, atomic_tokens=atomic_tokens).items()}
    assert patterns["[pos:ns]"] == 4 and patterns["[pos:ns]音乐厅"] == 3 and patterns["[pos:nt]"] == 3
    assert "[pos:ns][pos:nt]" in patterns  # jieba's dictionary tags 音乐厅 nt
    texts = ["他去了南京", "南京的冬天", "来自武汉", "武汉很热", "今晚在深圳音乐厅演出", "深圳音乐厅很大",
             "四川大学的学生", "考上四川大学", "北京和上海", "广州的早茶", "今天很热", "很热的冬天"]
    cands = {c["name"]: c for c in mine([{"id": str(i), "text": t, "date": None} for i, t in enumerate(texts)], tags,
                                        load_taxonomy(), pipelines=("pattern",), progress=False, workers=1)}
    assert {"南京", "武汉", "四川大学", "深圳音乐厅"} <= set(cands)
    assert cands["南京"]["evidence"]["pattern"]["pattern"] == "[pos:ns]" and cands["南京"]["kind"] == "atomic"
    hall = cands["深圳音乐厅"]
    assert hall["kind"] == "phrase" and hall["components"] == ["a3"]
    assert hall["evidence"]["pattern"]["pattern"] in ("[pos:ns]音乐厅", "[pos:ns][pos:nt]")
    assert "很热" not in cands and "冬天" not in cands  # no trusted tag is built like them
