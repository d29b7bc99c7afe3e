"""Pattern pipeline (unsupervised): mine the category and POS patterns trusted tags are built from, match them.

A trusted tag's tokens are each either a literal token, the taxonomy category of the atomic tag it
names (leaf, or the leaf's parent below the top class) or, for a token without a category, its
dictionary part of speech (mining.pos). Every mix is a pattern variant: 白色连衣裙 gives
[color][dress], 白色[dress], [color]连衣裙 and, one level up, [color][clothing]; the atomic tag
北京大学, cut by the plain dictionary, gives [ns][n], [ns]大学 and 北京[n], and as one word its own
class ([nt]). So a library of atomic tags without categories or phrases still yields patterns.
A variant that at least `min_support` trusted tags share is a pattern, so a literal such as
穿搭 in [style]穿搭 survives only when it is frequent. Matching runs over the corpus's frequent
n-grams; how often a pattern's matches are known tags, and how often matches with the same boundary
evidence are, score the new ones.
"""
from __future__ import annotations

from itertools import product

import numpy as np

from mining.corpus import Corpus
from mining.library import Library, components_of
from mining.ngrams import NgramTable, describe
from mining.pos import pos_class
from text.normalize import tag_key

Slot = tuple[str, str]  # ("lit", token text), ("cat", category id) or ("pos", coarse POS class)
Pattern = tuple[Slot, ...]

MAX_TOKENS = 6


def token_slots(token: str, lib: Library, parents: dict[str, str], prefer: tuple[str, ...] = ()) -> list[Slot]:
    """The ways one token can be written in a pattern: itself, its atomic tag's leaf and that leaf's parent.

    `prefer`: atomic ids (a phrase's components) that win when the token is also another tag's alias.
    """
    key = tag_key(token)
    atomic = next((a for a in prefer if tag_key(lib.names.get(a, "")) == key), None) or lib.atomic_by_key.get(key)
    slots = [("lit", token)]
    leaf = lib.category.get(atomic) if atomic else None
    if leaf:
        slots.append(("cat", leaf))
        if leaf in parents:
            slots.append(("cat", parents[leaf]))
    else:
        slots.append(("pos", pos_class(token)))
    return slots


def parent_map(taxonomy_nodes: list[dict]) -> dict[str, str]:
    """Category id -> its parent when the parent is below the top class (a top class is too broad)."""
    level = {n["id"]: n["level"] for n in taxonomy_nodes}
    return {n["id"]: n["parent"] for n in taxonomy_nodes if n["parent"] and level[n["parent"]] >= 2}


def variants(slot_options: list[list[Slot]]) -> list[Pattern]:
    """All patterns a token sequence fits that keep at least one category or POS slot."""
    return [p for p in product(*slot_options) if any(kind != "lit" for kind, _ in p)]


def mine_patterns(phrase_tokens: list[tuple[dict, list[str]]], lib: Library, parents: dict[str, str], *,
                  atomic_tokens: list[tuple[str, list[str]]] = (), min_support: int = 3) -> dict[Pattern, int]:
    """Pattern -> number of trusted tags that fit it, for patterns with support >= min_support.

    `phrase_tokens`: trusted phrases with their tokens; `atomic_tokens`: (trusted atomic tag id, the
    name cut by the plain dictionary), each tag counted as one token and, when cut, as its parts."""
    support: dict[Pattern, int] = {}

    def add(options: list[list[Slot]]) -> set[Pattern]:
        return set(variants(options)) if 1 <= len(options) <= MAX_TOKENS else set()

    for phrase, tokens in phrase_tokens:
        if len(tokens) >= 2:
            for p in add([token_slots(t, lib, parents, tuple(phrase["components"])) for t in tokens]):
                support[p] = support.get(p, 0) + 1
    for atomic, tokens in atomic_tokens:
        whole = lib.names[atomic]
        fits = add([token_slots(whole, lib, parents, (atomic,))])
        if len(tokens) >= 2:
            fits |= add([token_slots(t, lib, parents) for t in tokens])
        for p in fits:
            support[p] = support.get(p, 0) + 1
    return {p: s for p, s in support.items() if s >= min_support}


def show(pattern: Pattern) -> str:
    """Readable form: [place.city]旅行vlog, [pos:ns][pos:n]."""
    return "".join(f"[{v}]" if kind == "cat" else f"[pos:{v}]" if kind == "pos" else v for kind, v in pattern)


def match_patterns(table: NgramTable, corpus: Corpus, lib: Library, patterns: dict[Pattern, int],
                   parents: dict[str, str], slips: np.ndarray, *, min_count: int = 2,
                   prior_weight: float = 5.0) -> list[dict]:
    """Proposals: frequent n-grams that fit a pattern and are not known tags, scored P(tag).

    Two estimates, both the smoothed share of matched n-grams that are trusted tags, are combined
    naive-Bayes style: per pattern (a match takes its most precise one), and per boundary cell
    (how often the n-gram sits inside one longer n-gram, how varied its neighbours are, whether it
    is a typo or truncation: `slips`, variants.variant_features of every table row), since a
    pattern also fits fragments such as 日照旅行 cut out of 盛夏日照旅行 and slips such as 凉拌湘菜.
    Hot (bursting) matches are flagged in the evidence: this pipeline is the one meant to catch trends.
    """
    literals = {v for p in patterns for kind, v in p if kind == "lit"}
    lengths = {len(p) for p in patterns}
    slots: dict[int, list[Slot]] = {}
    matches: list[tuple[int, list[Pattern]]] = []
    for i in range(len(table.texts)):
        n = int(table.n[i])
        if n not in lengths or table.count[i] < min_count:
            continue
        ids = table.tokens(corpus, i)
        for t in ids:
            if t not in slots:
                slots[t] = [s for s in token_slots(corpus.vocab[t], lib, parents) if s[0] != "lit" or s[1] in literals]
        options = [slots[t] for t in ids]
        if not all(options):
            continue  # a token that is neither a tag nor a pattern literal: no pattern can fit
        fits = [p for p in variants(options) if p in patterns]
        if fits:
            matches.append((i, fits))
    known = {i: table.keys[i] in lib.trusted_keys for i, _ in matches}
    precision = _shares(((p, known[i]) for i, fits in matches for p in fits), prior_weight)
    cells = {i: _boundary_cell(table, i, slips[i]) for i, _ in matches}
    cell_share = _shares(((cells[i], known[i]) for i, _ in matches), prior_weight)
    base = _shares(((0, known[i]) for i, _ in matches), 0.0).get(0, 0.5)
    out = []
    for i, fits in matches:
        key = table.keys[i]
        if key in lib.keys:
            continue
        best = max(fits, key=lambda p: (precision[p], patterns[p]))
        score = _combine(precision[best], cell_share[cells[i]], base)
        tokens = [corpus.vocab[t] for t in table.tokens(corpus, i)]
        out.append({
            "name": table.texts[i], "key": key,
            "components": components_of(tokens, lib), "score": round(score, 6),
            "evidence": {**describe(table, corpus, i), "pattern": show(best), "pattern_slots": len(best),
                         "pattern_support": patterns[best],
                         "pattern_precision": round(precision[best], 4), "patterns_matched": len(fits),
                         "boundary_precision": round(cell_share[cells[i]], 4)},
        })
    # Ties (matches of one pattern in one boundary cell) are broken by count.
    out.sort(key=lambda c: (-c["score"], -c["evidence"]["count"], c["key"]))
    return out


def _boundary_cell(table: NgramTable, i: int, variant: np.ndarray) -> tuple[int, int, bool]:
    """(inside-a-longer-n-gram bucket, neighbour-variety bucket, looks like a slip) of n-gram i.

    Variety is the smaller branching entropy over its maximum log(count): 0 when one side always
    has the same neighbour, 1 when every occurrence has a different one. A slip sounds like a known
    tag or a commoner n-gram, or is one cut short.
    """
    inside = min(int(table.super_ratio[i] * 4), 3)
    variety = min(table.left_entropy[i], table.right_entropy[i]) / np.log(max(table.count[i], 2))
    slip = bool(variant[0] or variant[2] or variant[1] >= 1 or variant[3] >= 1)
    return inside, min(int(variety * 3), 2), slip


def _shares(pairs, prior_weight: float) -> dict:
    """Smoothed share of True per group, shrunk toward the share over all groups."""
    hits: dict = {}
    for group, positive in pairs:
        h = hits.setdefault(group, [0, 0])
        h[0] += positive
        h[1] += 1
    total = [sum(h[k] for h in hits.values()) for k in (0, 1)]
    prior = total[0] / total[1] if total[1] else 0.0
    return {g: (k + prior_weight * prior) / (m + prior_weight) for g, (k, m) in hits.items()}


def _combine(p: float, q: float, base: float) -> float:
    """P(tag) from two estimates sharing the base rate, assuming they are independent given the label."""
    eps = 1e-4
    logit = lambda x: np.log(max(x, eps) / max(1 - x, eps))  # noqa: E731
    return float(1 / (1 + np.exp(-(logit(p) + logit(q) - logit(base)))))
