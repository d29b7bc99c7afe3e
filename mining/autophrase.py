"""AutoPhrase-style semi-supervised pipeline: phrase quality from corpus statistics, then "is it a tag"
from the quality score, tag-likeness and surface-variant (typo, truncation) features.

Distant supervision: n-grams whose key is a trusted tag (name or alias) are positives, all other
frequent n-grams are unlabelled and trained as (noisy) negatives, sampled. The first stage (phrase
quality: is it a complete, meaningful unit?) also takes the words of a general lexicon as positives
(the knowledge base, as AutoPhrase uses Wikipedia titles), so a small library still learns what a
unit looks like; the second (is it a tag in this library's sense?) learns from the library alone. Both classifiers are cross-fitted:
every n-gram is scored by models that never saw it, so a valid tag missing from the library, labelled
negative by construction, is not scored low merely because it was memorised as a negative. The
score is then read as positive-unlabelled learning (Elkan & Noto): P(labelled | x) divided by the
share of positives the model recovers, so a true tag absent from the library is not scored near zero.

Nothing assumes a genre: function words at a candidate's edges are told by corpus statistics of the
edge token (the share of documents it occurs in, how varied its neighbours are) and its dictionary
POS, not by a list of spoken fillers.
"""
from __future__ import annotations

import hashlib

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from mining.corpus import Corpus
from mining.library import Library, components_of
from mining.ngrams import NgramTable, describe
from mining.pos import POS_CLASSES, pos_class
from text.normalize import tag_key

FOLDS = 5


def mine_autophrase(table: NgramTable, corpus: Corpus, lib: Library, phrase_tokens: list[tuple[dict, list[str]]],
                    slips: np.ndarray, *, min_count: int = 2, knowledge_base: frozenset[str] = frozenset(),
                    above_chance: bool = True, seed: int = 0, progress: bool = True) -> list[dict]:
    """Proposals: frequent n-grams that are not known tags, scored P(valid tag) by the two-stage model,
    best first (ties by phrase quality, then count).

    `slips`: variants.variant_features of every table row (typo and truncation evidence).
    `knowledge_base`: keys of general-lexicon words, extra distant positives of the quality stage
    (never proposed less for being in it: the label only trains the folds that do not score the word).
    The list ends where a candidate is no more likely a tag than an unlabelled n-gram on average
    (PU score below the estimated share of tags among the unlabelled): a cut set by the corpus
    itself, which keeps the tags the model ranks above chance (`above_chance=False`: the whole list).
    One model judges words and longer n-grams together: separate ones, tried, halved precision@1000 on
    People's Daily, where nearly every positive is a word and longer n-grams had too few to learn from.
    """
    rows = np.flatnonzero(table.count >= min_count)
    if not len(rows):
        return []
    tokens = [[corpus.vocab[t] for t in table.tokens(corpus, int(i))] for i in rows]
    keys = [table.keys[i] for i in rows]
    y = np.array([k in lib.trusted_keys for k in keys])
    in_kb = np.array([k in knowledge_base for k in keys], dtype=bool)
    folds = np.array([int(hashlib.sha1(k.encode()).hexdigest()[:8], 16) % FOLDS for k in keys])
    bar = tqdm(total=2 * FOLDS, desc="autophrase", disable=not progress)
    quality = cross_fit(quality_features(table, rows, tokens), y | in_kb, folds, _forest(seed), seed, bar)
    tag_x = np.column_stack([quality, tag_features(tokens, lib, phrase_tokens), edge_features(table, corpus, tokens),
                             slips[rows]])
    with threadpool_limits(1):  # OpenMP threads contending on a shared 2-core machine run 20x slower
        labelled = cross_fit(tag_x, y, folds, HistGradientBoostingClassifier(max_iter=100, random_state=seed), seed, bar)
    bar.close()
    score, prior = pu_scores(labelled, y)
    count = table.count[rows]
    out = []
    for j in np.lexsort((-count, -quality, -score)):
        i = int(rows[j])
        if above_chance and score[j] < prior:
            break
        if keys[j] in lib.keys:
            continue
        out.append({
            "name": table.texts[i], "key": keys[j],
            "components": components_of(tokens[j], lib),
            "score": round(float(score[j]), 6),
            "evidence": {**describe(table, corpus, i), "quality": round(float(quality[j]), 4),
                         "pmi": round(float(table.pmi[i]), 3),
                         "left_entropy": round(float(table.left_entropy[i]), 3),
                         "right_entropy": round(float(table.right_entropy[i]), 3)},
        })
    return out


def pu_scores(labelled: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """(P(tag) per row, share of tags among the unlabelled rows) from out-of-fold P(labelled).

    Elkan & Noto: if labelled tags are a random sample of all tags, P(tag | x) = P(labelled | x) / c,
    with c the mean P(labelled | x) over labelled tags; applied to the odds so it stays a probability.
    """
    if not y.any() or y.all():
        return labelled, 0.0
    c = max(float(labelled[y].mean()), 1e-6)
    # odds(P) = odds(g) / c: equal to g / c where g is small, yet below 1 and in g's order above c
    score = labelled / (labelled + c * (1.0 - labelled))
    return score, float(score[~y].mean())


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


def edge_features(table: NgramTable, corpus: Corpus, tokens: list[list[str]]) -> np.ndarray:
    """Function words at the edges, from the corpus: the share of documents the first, last and most
    widespread inner token occurs in, and the first and last token's neighbour variety. 的, 了, 嗯 or
    今天 are everywhere and next to anything in their genre; tag parts are not."""
    single = np.flatnonzero(table.n == 1)
    share = {table.texts[i]: table.df[i] / max(table.n_docs, 1) for i in single}
    variety = {table.texts[i]: min(table.left_entropy[i], table.right_entropy[i]) for i in single}
    rows = []
    for toks in tokens:
        inner = max((share.get(t, 0.0) for t in toks[1:-1]), default=0.0)
        rows.append((np.log(share.get(toks[0], 0.0) + 1e-6), np.log(share.get(toks[-1], 0.0) + 1e-6),
                     np.log(inner + 1e-6), variety.get(toks[0], 0.0), variety.get(toks[-1], 0.0)))
    return np.array(rows, dtype=float).reshape(len(tokens), 5)


def tag_features(tokens: list[list[str]], lib: Library, phrase_tokens: list[tuple[dict, list[str]]]) -> np.ndarray:
    """Tag-likeness: how much of the n-gram is atomic tags and how many trusted phrases share its
    category pattern.

    The pattern support counts the n-gram itself when it is a trusted phrase: leaving it out would
    make support - 1 (positives) vs support (the rest) a label leak that trees learn exactly. For the
    same reason a single token gets neither: for it, being an atomic tag is the label.
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
        if len(toks) == 1:
            # A single token's own "is an atomic tag" and pattern support are its label (the library's
            # atomic tags are exactly the single-token positives): left in, every atomic tag missing from
            # the library scored as a negative (hidden atomic tags: 8% found in the top N, jieba's plain
            # frequency 58%). A word is judged by its corpus statistics and dictionary POS alone.
            # missing (NaN), not 0: the trees send words their own way instead of mixing them with
            # n-grams that hold no tag
            rows.append((1, *[np.nan] * 6, len(toks[0]), any(ch.isdigit() for ch in toks[0]),
                         any(ch.isascii() and ch.isalpha() for ch in toks[0])))
            continue
        atomic = [bool(leaf_of(t)) for t in toks]
        rows.append((
            len(toks), sum(atomic), sum(atomic) / len(toks), atomic[0], atomic[-1],
            np.log1p(support_leaf.get(leaf_sig(toks), 0)), np.log1p(support_top.get(top_sig(toks), 0)),
            sum(map(len, toks)), any(ch.isdigit() for t in toks for ch in t),
            any(ch.isascii() and ch.isalpha() for t in toks for ch in t),
        ))
    return np.array(rows, dtype=float)


def _pos_onehot(words: list[str]) -> np.ndarray:
    """One-hot coarse POS class of each word (jieba's dictionary tag; eng/unk when it has none)."""
    out = np.zeros((len(words), len(POS_CLASSES)))
    for r, w in enumerate(words):
        out[r, POS_CLASSES.index(pos_class(w))] = 1
    return out


def _forest(seed: int) -> RandomForestClassifier:
    # Small bootstrap samples per tree, as AutoPhrase's ensemble of trees on small label samples: robust
    # to the noisy negatives and cheap.
    return RandomForestClassifier(n_estimators=40, max_samples=0.2, min_samples_leaf=5, max_depth=14,
                                  max_features="sqrt", n_jobs=2, random_state=seed)
