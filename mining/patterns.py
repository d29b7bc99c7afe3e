"""Pattern pipeline (unsupervised): mine the category patterns phrase tags are built from, match them.

A phrase tag's tokens are each either a literal token or the taxonomy category of the atomic tag it
names (leaf, or the leaf's parent below the top class). Every mix of the two is a pattern variant:
白色连衣裙 gives [color][dress], 白色[dress], [color]连衣裙 and, one level up, [color][clothing].
A variant that at least `min_support` trusted phrases share is a pattern, so a literal such as
穿搭 in [style]穿搭 survives only when it is frequent. Matching runs over the corpus's frequent
n-grams; a pattern's precision (smoothed share of its matches that are known tags) scores them.
"""
from __future__ import annotations

from itertools import product

from mining.corpus import Corpus
from mining.library import Library
from mining.ngrams import NgramTable, describe
from mining.normalize import tag_key

Slot = tuple[str, str]  # ("lit", token text) or ("cat", category id)
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
    return slots


def parent_map(taxonomy_nodes: list[dict]) -> dict[str, str]:
    """Category id -> its parent when the parent is below the top class (a top class is too broad)."""
    level = {n["id"]: n["level"] for n in taxonomy_nodes}
    return {n["id"]: n["parent"] for n in taxonomy_nodes if n["parent"] and level[n["parent"]] >= 2}


def variants(slot_options: list[list[Slot]]) -> list[Pattern]:
    """All patterns a token sequence fits that keep at least one category slot."""
    return [p for p in product(*slot_options) if any(kind == "cat" for kind, _ in p)]


def mine_patterns(phrase_tokens: list[tuple[dict, list[str]]], lib: Library, parents: dict[str, str], *,
                  min_support: int = 3) -> dict[Pattern, int]:
    """Pattern -> number of trusted phrase tags that fit it, for patterns with support >= min_support."""
    support: dict[Pattern, int] = {}
    for phrase, tokens in phrase_tokens:
        if not 2 <= len(tokens) <= MAX_TOKENS:
            continue
        options = [token_slots(t, lib, parents, tuple(phrase["components"])) for t in tokens]
        for p in set(variants(options)):
            support[p] = support.get(p, 0) + 1
    return {p: s for p, s in support.items() if s >= min_support}


def show(pattern: Pattern) -> str:
    """Readable form: [place.city]旅行vlog."""
    return "".join(f"[{v}]" if kind == "cat" else v for kind, v in pattern)


def match_patterns(table: NgramTable, corpus: Corpus, lib: Library, patterns: dict[Pattern, int],
                   parents: dict[str, str], *, min_count: int = 2, prior_weight: float = 5.0) -> list[dict]:
    """Proposals: frequent n-grams that fit a pattern and are not known tags, scored by the pattern.

    A pattern's precision is the share of the distinct n-grams it matches that are trusted tags,
    shrunk toward the share over all patterns; a match takes its most precise pattern. Hot
    (bursting) matches are flagged in the evidence: this pipeline is the one meant to catch trends.
    """
    literals = {v for p in patterns for kind, v in p if kind == "lit"}
    matches: list[tuple[int, list[Pattern]]] = []
    for i in range(len(table.texts)):
        n = int(table.n[i])
        if n < 2 or n > MAX_TOKENS or table.count[i] < min_count:
            continue
        tokens = [corpus.vocab[t] for t in table.tokens(corpus, i)]
        options = [token_slots(t, lib, parents) for t in tokens]
        if any(len(o) == 1 and o[0][1] not in literals for o in options):
            continue  # a token that is neither a tag nor a pattern literal: no pattern can fit
        options = [[s for s in o if s[0] == "cat" or s[1] in literals] for o in options]
        fits = [p for p in variants(options) if p in patterns]
        if fits:
            matches.append((i, fits))
    precision = _precision(matches, table, lib, prior_weight)
    out = []
    for i, fits in matches:
        key = tag_key(table.texts[i])
        if key in lib.keys:
            continue
        best = max(fits, key=lambda p: (precision[p], patterns[p]))
        tokens = [corpus.vocab[t] for t in table.tokens(corpus, i)]
        out.append({
            "name": table.texts[i], "key": key, "tokens": tokens, "row": i,
            "components": _components(tokens, lib), "score": round(precision[best], 4),
            "evidence": {**describe(table, corpus, i), "pattern": show(best), "pattern_support": patterns[best],
                         "pattern_precision": round(precision[best], 4), "patterns_matched": len(fits)},
        })
    out.sort(key=lambda c: (-c["score"], -c["evidence"]["count"], c["key"]))
    return out


def _precision(matches: list[tuple[int, list[Pattern]]], table: NgramTable, lib: Library,
               prior_weight: float) -> dict[Pattern, float]:
    """Smoothed share of each pattern's matched n-grams that are trusted tags."""
    hits: dict[Pattern, list[int]] = {}
    for i, fits in matches:
        known = tag_key(table.texts[i]) in lib.trusted_keys
        for p in fits:
            h = hits.setdefault(p, [0, 0])
            h[0] += known
            h[1] += 1
    total = [sum(h[k] for h in hits.values()) for k in (0, 1)]
    prior = total[0] / total[1] if total[1] else 0.0
    return {p: (k + prior_weight * prior) / (m + prior_weight) for p, (k, m) in hits.items()}


def _components(tokens: list[str], lib: Library) -> list[str]:
    """Atomic tag ids named by the tokens, in order."""
    return [a for a in (lib.atomic_by_key.get(tag_key(t)) for t in tokens) if a]
