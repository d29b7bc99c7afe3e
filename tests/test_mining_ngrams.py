"""Segmentation and n-gram statistics (counts, PMI, branching entropy, completeness) on a toy corpus."""
import math
from functools import lru_cache

import numpy as np

from mining.corpus import build_corpus, make_tokenizer
from mining.ngrams import build_ngrams, describe

WORDS = ["红色", "卫衣", "穿", "买", "好看", "蓝色"]
TEXTS = ["穿红色卫衣", "穿红色卫衣，好看", "买红色卫衣", "红色卫衣好看", "蓝色卫衣", "蓝色卫衣"]


@lru_cache(maxsize=1)
def _tokenizer():
    return make_tokenizer(WORDS)


def _table(texts=TEXTS, **kw):
    docs = [{"id": f"d{i}", "text": t, "date": "2026-03-01"} for i, t in enumerate(texts)]
    corpus = build_corpus(docs, _tokenizer(), workers=1, progress=False)
    return corpus, build_ngrams(corpus, progress=False, **kw)


def test_tokens_are_the_user_words_and_documents_are_separated():
    corpus, _ = _table()
    assert [corpus.vocab[t] if t >= 0 else "|" for t in corpus.tokens[:9]] == \
        ["穿", "红色", "卫衣", "|", "穿", "红色", "卫衣", ",", "好看"]  # normalised: full-width comma
    assert len(corpus.doc_ids) == 6 and corpus.doc_of(corpus.doc_starts).tolist() == list(range(6))


def test_counts_document_frequency_and_pmi():
    _, t = _table()
    row = {x: i for i, x in enumerate(t.texts)}
    i = row["红色卫衣"]
    assert (t.n[i], t.count[i], t.df[i]) == (2, 4, 4)
    n_words = 3 + 4 + 3 + 3 + 2 + 2  # word tokens: punctuation is not one
    assert math.isclose(t.pmi[i], math.log(4 * n_words / (4 * 6)))  # c(红色)=4, c(卫衣)=6
    j = row["穿红色卫衣"]  # min over 穿|红色卫衣 (2, 4) and 穿红色|卫衣 (2, 6)
    assert math.isclose(t.pmi[j], min(math.log(2 * n_words / (2 * 4)), math.log(2 * n_words / (2 * 6))))
    assert "," not in "".join(t.texts)  # n-grams never cross punctuation


def test_branching_entropy_counts_boundaries_as_distinct():
    _, t = _table()
    i = t.texts.index("红色卫衣")
    # left: 穿 x2, 买 x1, document start x1 -> -(1/2 ln 1/2 + 1/4 ln 1/4 + 1/4 ln 1/4)
    assert math.isclose(t.left_entropy[i], -(0.5 * math.log(0.5) + 0.5 * math.log(0.25)))
    # right: document end x2, ， x1, 好看 x1 -> four distinct neighbours
    assert math.isclose(t.right_entropy[i], math.log(4))
    k = t.texts.index("蓝色卫衣")  # two lone occurrences: both sides are boundaries
    assert math.isclose(t.left_entropy[k], math.log(2))


def test_completeness_ratios():
    _, t = _table()
    row = {x: i for i, x in enumerate(t.texts)}
    assert math.isclose(t.super_ratio[row["红色"]], 1.0)  # 红色 only ever occurs as 红色卫衣
    assert math.isclose(t.super_ratio[row["红色卫衣"]], 2 / 4)  # half of it is 穿红色卫衣
    assert math.isclose(t.sub_ratio[row["红色卫衣"]], 4 / 4)  # min(c(红色), c(卫衣)) = 4


def test_min_count_and_apriori_pruning():
    _, t = _table(min_count=3)
    assert "红色卫衣" in t.texts and "穿红色卫衣" not in t.texts and "买" not in t.texts


def test_describe_gives_contexts_with_the_ngram_marked():
    corpus, t = _table()
    ev = describe(t, corpus, t.texts.index("红色卫衣"))
    assert ev["count"] == 4 and ev["doc_freq"] == 4 and len(ev["contexts"]) == 3
    assert ev["contexts"][0] == "穿【红色卫衣】"
    assert ev["hot"] is False


def test_parallel_segmentation_gives_the_same_corpus():
    docs = [{"id": f"d{i}", "text": t, "date": None} for i, t in enumerate(TEXTS * 50)]
    one = build_corpus(docs, _tokenizer(), workers=1, progress=False)
    two = build_corpus(iter(docs), _tokenizer(), workers=2, batch=7, progress=False)
    assert two.doc_ids == [d["id"] for d in docs]
    assert two.vocab == one.vocab and two.tokens.tolist() == one.tokens.tolist()


def test_rare_ok_tokens_keep_their_ngrams_from_one_occurrence():
    corpus, _ = _table(TEXTS + ["蓝色卫衣好看"])
    rare_ok = np.array([w in ("蓝色", "卫衣", "好看") for w in corpus.vocab])
    t = build_ngrams(corpus, min_count=3, rare_ok=rare_ok, progress=False)
    row = {x: i for i, x in enumerate(t.texts)}
    assert t.count[row["蓝色卫衣好看"]] == 1 and t.count[row["好看"]] == 3
    assert "穿红色" not in row and "买" not in row  # other rare n-grams still need min_count
    assert t.count[row["红色卫衣"]] == 4
