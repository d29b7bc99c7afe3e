"""Entry point: mine new tag candidates from a stream of documents with both pipelines, merged."""
from __future__ import annotations

from typing import Iterable

from mining.autophrase import mine_autophrase
from mining.corpus import build_corpus, day_ordinal, make_tokenizer
from mining.library import build_library
from mining.merge import merge
from mining.ngrams import build_ngrams
from mining.normalize import normalize
from mining.patterns import match_patterns, mine_patterns, parent_map
from mining.variants import variant_features
from taxonomy.tree import flatten

PIPELINES = ("autophrase", "pattern")


def mine(docs: Iterable[dict], tags: list[dict], taxonomy: dict, *, now=None,
         pipelines: tuple[str, ...] = PIPELINES, top_k: int | None = None, progress: bool = True,
         min_count: int = 2, workers: int | None = None, seed: int = 0) -> list[dict]:
    """Candidates best first: {id, key, name, kind, components, score, pipelines, scores, evidence}.

    `docs`: {"id", "text", "date"} (a video's joined text fields, or a search query), read once as a
    stream. `tags`: the library (tags.jsonl rows); its approved tags are the trusted set. `now` (ISO
    date, date or datetime; default the latest document date) ends the trend window.
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
    table = build_ngrams(corpus, min_count=min_count, now=today, progress=progress)
    phrase_tokens = [(p, tokenizer.lcut(normalize(p["name"]))) for p in lib.phrases]
    slips = variant_features(table.keys, table.count, lib.trusted_keys)
    proposals = {}
    if "autophrase" in pipelines:
        proposals["autophrase"] = mine_autophrase(table, corpus, lib, phrase_tokens, slips, min_count=min_count,
                                                  seed=seed, progress=progress)
    if "pattern" in pipelines:
        parents = parent_map(flatten(taxonomy))
        patterns = mine_patterns(phrase_tokens, lib, parents)
        proposals["pattern"] = match_patterns(table, corpus, lib, patterns, parents, slips, min_count=min_count)
    merged = merge(proposals, lib)
    return merged[:top_k] if top_k else merged
