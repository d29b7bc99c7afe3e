"""Entry point: mine new tag candidates from a stream of documents with both pipelines, merged."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from mining.autophrase import mine_autophrase
from mining.corpus import build_corpus, day_ordinal, make_tokenizer
from mining.library import build_library
from mining.merge import merge
from mining.ngrams import build_ngrams
from text.normalize import normalize, tag_key
from mining.patterns import match_patterns, mine_patterns, parent_map
from mining.variants import variant_features
from taxonomy.classify import thuocl_words
from taxonomy.tree import flatten

PIPELINES = ("autophrase", "pattern")


def mine(docs: Iterable[dict], tags: list[dict], taxonomy: dict, *, now=None,
         pipelines: tuple[str, ...] = PIPELINES, top_k: int | None = None, progress: bool = True,
         min_count: int = 2, workers: int | None = None, seed: int = 0,
         knowledge_base: Iterable[str] | None = None) -> list[dict]:
    """Candidates best first: {id, key, name, kind, components, score, pipelines, scores, evidence}.

    `docs`: {"id", "text", "date"} (a video's joined text fields, or a search query), read once as a
    stream. `tags`: the library (tags.jsonl rows); its approved (or status-less) tags are the trusted
    set, all of them are never proposed again. `now` (ISO date, date or datetime; default the latest
    document date) ends the trend window. `min_count`: occurrences the statistical pipeline needs.
    `knowledge_base`: words of a general lexicon, extra distant positives for the statistical
    pipeline (default THUOCL's domain lexicons), so a small library still trains it.
    """
    unknown = set(pipelines) - set(PIPELINES)
    if unknown:
        raise ValueError(f"unknown pipelines {sorted(unknown)}; choose from {PIPELINES}")
    today = None if now is None else day_ordinal(now)
    if today == -1:
        raise ValueError(f"now: not a date: {now!r}")
    lib = build_library(tags)
    tokenizer = make_tokenizer(lib.user_words)
    corpus = build_corpus(docs, tokenizer, workers=workers, progress=progress)
    phrase_tokens = [(p, tokenizer.lcut(normalize(p["name"]))) for p in lib.phrases]
    parents = parent_map(flatten(taxonomy))
    patterns = {}
    if "pattern" in pipelines:
        plain = make_tokenizer(())  # the dictionary's own cut of an atomic tag shows how it is built
        atomic_tokens = [(a, plain.lcut(normalize(lib.names[a]))) for a in sorted(set(lib.atomic_by_key.values()))]
        patterns = mine_patterns(phrase_tokens, lib, parents, atomic_tokens=atomic_tokens)
    # A pattern match is evidence even when seen once (a new tag in a known construction); n-grams made
    # only of tags and pattern literals are therefore counted from one occurrence on, and only those.
    literals = {v for p in patterns for kind, v in p if kind == "lit"}
    rare_ok = np.array([bool(patterns) and (w in literals or tag_key(w) in lib.atomic_by_key) for w in corpus.vocab],
                       dtype=bool)
    table = build_ngrams(corpus, min_count=min_count, rare_ok=rare_ok, now=today, progress=progress)
    slips = variant_features(table.keys, table.count, lib.trusted_keys)
    proposals = {}
    if "autophrase" in pipelines:
        kb = thuocl_words() if knowledge_base is None else knowledge_base
        proposals["autophrase"] = mine_autophrase(table, corpus, lib, phrase_tokens, slips, min_count=min_count,
                                                  knowledge_base=frozenset(tag_key(w) for w in kb), seed=seed,
                                                  progress=progress)
    if "pattern" in pipelines:
        proposals["pattern"] = match_patterns(table, corpus, lib, patterns, parents, slips, min_count=1)
    merged = merge(proposals, lib)
    return merged[:top_k] if top_k else merged
