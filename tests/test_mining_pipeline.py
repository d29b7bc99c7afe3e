"""The autophrase classifier and the whole mine() on a toy corpus whose right answers are known.

Library: 8 colours x 5 tops as atomic tags, 24 of the 40 colour+top phrases; the other 16 are
written in the corpus like the known ones, so both pipelines should find them and rank them above
fragments such as 穿红色 or 卫衣真好看.
"""
import random
from functools import lru_cache

import numpy as np

from mining.autophrase import mine_autophrase, tag_features
from mining.corpus import build_corpus, make_tokenizer
from mining.library import build_library
from mining.ngrams import build_ngrams
from text.normalize import normalize
from mining.pipeline import mine
from mining.variants import variant_features
from taxonomy.tree import load_taxonomy

COLOURS = "红色 白色 蓝色 黑色 粉色 绿色 黄色 紫色".split()
TOPS = "卫衣 衬衫 毛衣 外套 夹克".split()
BEFORE = ["今天穿", "推荐", "我的", "这件", "新买的", "", "", "分享"]
AFTER = ["真好看", "上新", "怎么样", "", "", "来了", "，显瘦", "链接在评论区"]


@lru_cache(maxsize=1)
def toy():
    """(tags, docs, hidden phrase names)."""
    tags = [{"id": f"c{i}", "name": c, "kind": "atomic", "category": "object.attribute.color", "aliases": []}
            for i, c in enumerate(COLOURS)]
    tags += [{"id": f"t{i}", "name": t, "kind": "atomic", "category": "object.clothing.top", "aliases": []}
             for i, t in enumerate(TOPS)]
    combos = [(ci, ti) for ci in range(len(COLOURS)) for ti in range(len(TOPS))]
    random.Random(1).shuffle(combos)
    known, hidden = combos[:24], combos[24:]
    tags += [{"id": f"p{ci}_{ti}", "name": COLOURS[ci] + TOPS[ti], "kind": "phrase",
              "components": [f"c{ci}", f"t{ti}"], "aliases": []} for ci, ti in known]
    rng = random.Random(2)
    docs = []
    for d in range(600):
        ci, ti = combos[rng.randrange(len(combos))]
        text = rng.choice(BEFORE) + COLOURS[ci] + TOPS[ti] + rng.choice(AFTER)
        if rng.random() < 0.5:
            text += "。" + rng.choice(COLOURS) + "也不错"
        docs.append({"id": f"v{d}", "text": text, "date": f"2026-0{1 + d % 6}-1{d % 10}"})
    return tags, docs, {COLOURS[ci] + TOPS[ti] for ci, ti in hidden}


def test_classifier_ranks_unknown_phrases_above_fragments():
    tags, docs, hidden = toy()
    lib = build_library(tags)
    tok = make_tokenizer(lib.user_words)
    corpus = build_corpus(docs, tok, workers=1, progress=False)
    table = build_ngrams(corpus, progress=False)
    phrase_tokens = [(p, tok.lcut(normalize(p["name"]))) for p in lib.phrases]
    slips = variant_features(table.keys, table.count, lib.trusted_keys)
    cands = mine_autophrase(table, corpus, lib, phrase_tokens, slips, above_chance=False, progress=False)
    # n-grams of two or more tokens: single words are judged on their own evidence (13 words are too few to)
    cands = [c for c in cands if len(tok.lcut(c["name"])) > 1]
    names = [c["name"] for c in cands]
    top = names[:len(hidden)]
    assert len(set(top) & hidden) >= 0.9 * len(hidden), top
    fragments = [n for n in names if n not in hidden]
    assert fragments and min(names.index(h) for h in hidden) < min(names.index(f) for f in fragments)
    assert {"今天穿红色", "卫衣真好看", "穿红色卫衣"}.isdisjoint(top)
    score = {c["name"]: c["score"] for c in cands}
    assert np.mean([score[h] for h in hidden]) > 3 * np.mean([score[f] for f in fragments])
    red = next(c for c in cands if c["name"] in hidden)
    assert len(red["components"]) == 2 and {"quality", "pmi", "left_entropy"} <= set(red["evidence"])


def test_a_single_token_is_not_judged_by_its_own_library_membership():
    """For one token, "is an atomic tag" is the label itself: the tag stage sees the same features for a
    library word and an equally long word missing from the library; a phrase keeps its components' evidence."""
    tags, _, _ = toy()
    lib = build_library(tags)
    tok = make_tokenizer(lib.user_words)
    phrase_tokens = [(p, tok.lcut(normalize(p["name"]))) for p in lib.phrases]
    x = tag_features([["红色"], ["棕色"], ["红色", "卫衣"], ["棕色", "卫衣"]], lib, phrase_tokens)
    assert np.array_equal(x[0], x[1], equal_nan=True)
    assert x[2][1] == 2 and x[3][1] == 1          # atomic components of a two-token n-gram still count


def test_mine_finds_the_hidden_phrases_with_both_pipelines():
    tags, docs, hidden = toy()
    cands = mine(iter(docs), tags, load_taxonomy(), progress=False, workers=1)
    tok = make_tokenizer(build_library(tags).user_words)
    top = [c for c in cands if len(tok.lcut(c["name"])) > 1][:len(hidden)]   # single words are judged apart
    assert len({c["name"] for c in top} & hidden) >= 0.9 * len(hidden)
    for c in top:
        if c["name"] in hidden:
            assert c["pipelines"] == ["autophrase", "pattern"] and c["kind"] == "phrase"
            assert len(c["components"]) == 2 and c["id"].startswith("c_") and 0 < c["score"] <= 1
            assert "[object." in c["evidence"]["pattern"]["pattern"]  # [object.attribute.color][object.clothing.top]
    known = {normalize(t["name"]) for t in tags}
    assert known.isdisjoint(c["name"] for c in cands)  # nothing already in the library


def test_mine_options():
    tags, docs, hidden = toy()
    only = mine(docs, tags, load_taxonomy(), pipelines=("pattern",), top_k=5, progress=False, workers=1)
    assert len(only) == 5 and all(c["pipelines"] == ["pattern"] for c in only)
    try:
        mine(docs, tags, load_taxonomy(), pipelines=("magic",), progress=False)
    except ValueError as e:
        assert "magic" in str(e)
    else:
        raise AssertionError("unknown pipeline accepted")


def test_mine_handles_an_empty_corpus_and_rejects_a_bad_now():
    tags, _, _ = toy()
    assert mine([], tags, load_taxonomy(), progress=False, workers=1) == []
    try:
        mine([], tags, load_taxonomy(), now="last tuesday", progress=False)
    except ValueError as e:
        assert "now" in str(e)
    else:
        raise AssertionError("a bad `now` was accepted")


def test_pu_scores_keep_the_order_and_estimate_the_share_of_tags():
    from mining.autophrase import pu_scores

    labelled = np.array([0.9, 0.5, 0.3, 0.2, 0.1, 0.05, 0.01])
    y = np.array([True, True, True, False, False, False, False])
    score, prior = pu_scores(labelled, y)
    assert (np.diff(score) < 0).all() and score.max() < 1  # same order, still a probability
    c = labelled[y].mean()  # the share of P(labelled) a labelled tag gets: 0.567
    assert np.isclose(score[-1], 0.01 / (0.01 + c * 0.99)) and score[-1] > 0.01  # about g / c when g is small
    assert np.isclose(prior, score[~y].mean())
    same, zero = pu_scores(labelled, np.zeros(7, bool))
    assert (same == labelled).all() and zero == 0.0  # nothing labelled: nothing to correct by
