"""AutoPhrase-style semi-supervised pipeline: phrase quality from corpus statistics, then "is it a tag"
from the quality score, tag-likeness and surface-variant (typo, truncation) features.

Distant supervision: n-grams whose key is a trusted tag (name or alias) are positives, all other
frequent n-grams are (noisy) negatives, sampled. Both classifiers are cross-fitted: every n-gram is
scored by models that never saw it, so a valid tag missing from the library, labelled negative by
construction, is not scored low merely because it was memorised as a negative.
"""
from __future__ import annotations

import hashlib

import numpy as np
from jieba.posseg import dt as _posseg
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from mining.corpus import Corpus
from mining.library import Library, components_of
from mining.ngrams import NgramTable, describe
from text.normalize import tag_key

FOLDS = 5
# Speech fillers and function words: a tag rarely starts or ends with one (嗯红色卫衣, 卫衣的).
FILLERS = frozenset("嗯 啊 呢 吧 哈 哈哈 呀 哦 吗 啦 嘛 那个 这个 就是 然后 对 其实 反正 你看 怎么说呢 的 了 "
                    "着 过 是 和 与 也 都 很 还 又 在 把 被 给 让 我 你 他 她 它 我们 你们 这 那 一下 一个 "
                    "真的 超 太 就 才 再 去 来 说 用 有 个 这期 今天".split())
_POS_CLASSES = ("n", "v", "a", "d", "r", "p", "c", "u", "m", "t", "i", "other", "eng", "unk")
_POS_OF_TAG = {"n": "n", "v": "v", "a": "a", "d": "d", "r": "r", "p": "p", "c": "c", "u": "u", "y": "u",
               "e": "u", "o": "u", "k": "u", "h": "u", "m": "m", "q": "m", "t": "t", "f": "t", "s": "t",
               "i": "i", "l": "i", "j": "i"}


def mine_autophrase(table: NgramTable, corpus: Corpus, lib: Library, phrase_tokens: list[tuple[dict, list[str]]],
                    slips: np.ndarray, *, min_count: int = 2, min_score: float = 0.05, seed: int = 0,
                    progress: bool = True) -> list[dict]:
    """Proposals: frequent n-grams that are not known tags, scored P(valid tag) by the two-stage model.

    `slips`: variants.variant_features of every table row (typo and truncation evidence)."""
    rows = np.flatnonzero(table.count >= min_count)
    if not len(rows):
        return []
    tokens = [[corpus.vocab[t] for t in table.tokens(corpus, int(i))] for i in rows]
    keys = [table.keys[i] for i in rows]
    y = np.array([k in lib.trusted_keys for k in keys])
    folds = np.array([int(hashlib.sha1(k.encode()).hexdigest()[:8], 16) % FOLDS for k in keys])
    bar = tqdm(total=2 * FOLDS, desc="autophrase", disable=not progress)
    quality = cross_fit(quality_features(table, rows, tokens), y, folds, _forest(seed), seed, bar)
    tag_x = np.column_stack([quality, tag_features(tokens, lib, phrase_tokens), slips[rows]])
    with threadpool_limits(1):  # OpenMP threads contending on a shared 2-core machine run 20x slower
        score = cross_fit(tag_x, y, folds, HistGradientBoostingClassifier(max_iter=100, random_state=seed), seed, bar)
    bar.close()
    out = []
    for j in np.argsort(-score, kind="stable"):
        i = int(rows[j])
        if score[j] < min_score:
            break
        if keys[j] in lib.keys:
            continue
        out.append({
            "name": table.texts[i], "key": keys[j],
            "components": components_of(tokens[j], lib),
            "score": round(float(score[j]), 4),
            "evidence": {**describe(table, corpus, i), "quality": round(float(quality[j]), 4),
                         "pmi": round(float(table.pmi[i]), 3),
                         "left_entropy": round(float(table.left_entropy[i]), 3),
                         "right_entropy": round(float(table.right_entropy[i]), 3)},
        })
    return out


def cross_fit(x: np.ndarray, y: np.ndarray, folds: np.ndarray, model, seed: int, bar=None,
              negatives_per_positive: int = 3) -> np.ndarray:
    """Out-of-fold P(positive) for every row; negatives are subsampled and reweighted to keep the
    probabilities on the scale of the full (noisy) label distribution."""
    rng = np.random.default_rng(seed)
    out = np.zeros(len(y))
    for f in range(FOLDS):
        train = folds != f
        pos = np.flatnonzero(train & y)
        neg = np.flatnonzero(train & ~y)
        if not len(pos) or not len(neg):
            continue
        take = rng.choice(neg, size=min(len(neg), negatives_per_positive * len(pos)), replace=False)
        idx = np.concatenate([pos, take])
        weight = np.where(y[idx], 1.0, len(neg) / len(take))
        model.fit(x[idx], y[idx], sample_weight=weight)
        out[folds == f] = model.predict_proba(x[folds == f])[:, 1]
        if bar is not None:
            bar.update(1)
    return out


def quality_features(table: NgramTable, rows: np.ndarray, tokens: list[list[str]]) -> np.ndarray:
    """AutoPhrase's phrase-quality features: frequency, concordance (PMI), completeness, context
    diversity (branching entropy, also relative to its maximum log(count): a frequent n-gram always
    followed by the same token is a fragment), IDF and the POS classes of the first and last token."""
    le, re_ = table.left_entropy[rows], table.right_entropy[rows]
    count, df = table.count[rows], table.df[rows]
    stats = np.column_stack([
        table.n[rows], [sum(map(len, t)) for t in tokens], np.log1p(count), np.log1p(df),
        np.log(table.n_docs / np.maximum(df, 1)), table.pmi[rows], le, re_, np.minimum(le, re_),
        np.minimum(le, re_) / np.log(np.maximum(count, 2)), table.super_ratio[rows], table.sub_ratio[rows],
        df / count,
    ])
    return np.column_stack([stats, _pos_onehot([t[0] for t in tokens]), _pos_onehot([t[-1] for t in tokens])])


def tag_features(tokens: list[list[str]], lib: Library, phrase_tokens: list[tuple[dict, list[str]]]) -> np.ndarray:
    """Tag-likeness: how much of the n-gram is atomic tags, how many trusted phrases share its
    category pattern, and filler words at its edges or inside.

    The pattern support counts the n-gram itself when it is a trusted phrase: leaving it out would
    make support - 1 (positives) vs support (the rest) a label leak that trees learn exactly.
    """
    leaves: dict[str, str] = {}

    def leaf_of(token: str) -> str:
        if token not in leaves:
            leaves[token] = lib.category.get(lib.atomic_by_key.get(tag_key(token)), "")
        return leaves[token]

    leaf_sig = lambda toks: tuple(leaf_of(t) or "=" + t for t in toks)  # noqa: E731
    top_sig = lambda toks: tuple((leaf_of(t) or "=" + t).split(".")[0] for t in toks)  # noqa: E731
    support_leaf, support_top = {}, {}
    for _, toks in phrase_tokens:
        for sig, table in ((leaf_sig(toks), support_leaf), (top_sig(toks), support_top)):
            table[sig] = table.get(sig, 0) + 1
    rows = []
    for toks in tokens:
        atomic = [bool(leaf_of(t)) for t in toks]
        rows.append((
            len(toks), sum(atomic), sum(atomic) / len(toks), atomic[0], atomic[-1],
            np.log1p(support_leaf.get(leaf_sig(toks), 0)), np.log1p(support_top.get(top_sig(toks), 0)),
            toks[0] in FILLERS, toks[-1] in FILLERS, sum(t in FILLERS for t in toks[1:-1]),
            sum(map(len, toks)), any(ch.isdigit() for t in toks for ch in t),
            any(ch.isascii() and ch.isalpha() for t in toks for ch in t),
        ))
    return np.array(rows, dtype=float)


def _pos_onehot(words: list[str]) -> np.ndarray:
    """One-hot coarse POS class of each word (jieba's dictionary tag; eng/unk when it has none)."""
    out = np.zeros((len(words), len(_POS_CLASSES)))
    for r, w in enumerate(words):
        tag = _posseg.word_tag_tab.get(w)
        cls = (_POS_OF_TAG.get(tag[0], "other") if tag else "eng" if w.isascii() else "unk")
        out[r, _POS_CLASSES.index(cls)] = 1
    return out


def _forest(seed: int) -> RandomForestClassifier:
    # Small bootstrap samples per tree, as AutoPhrase's ensemble of trees on small label samples: robust
    # to the noisy negatives and cheap.
    return RandomForestClassifier(n_estimators=40, max_samples=0.2, min_samples_leaf=5, max_depth=14,
                                  max_features="sqrt", n_jobs=2, random_state=seed)
