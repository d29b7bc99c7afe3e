"""Atomic words for a library at the source system's size (1M tags), from the same packaged lexicons.

The demo pools (demo/lexicons.build_pools) hold about 8k curated words; a million-tag library needs far
more. These come from whole lexicon sections whose source already says what they are, each mapped to the
one taxonomy leaf that source names (a THUOCL 历史人名 entry or a jieba `nr` word is a person), so every
atomic tag still has a real category. Words from sources with no fitting leaf (idioms, law, medicine,
generic nouns) are left out rather than filed under a wrong class. The extra words go after each leaf's
demo words: the demo's best words stay the most popular, and a demo-sized library is unchanged.
"""
from __future__ import annotations

from functools import lru_cache

from demo.lexicons import _clean, _denied, _jieba_rows, _thuocl

# (source, section) -> leaf; jieba sections are part-of-speech tags, THUOCL sections its domain lists
SOURCES: tuple[tuple[str, str, str], ...] = (
    ("thuocl", "历史人名", "being.person.celebrity"),
    ("jieba", "nr", "being.person.celebrity"),
    ("jieba", "nrt", "being.person.celebrity"),
    ("jieba", "nrfg", "being.person.celebrity"),
    ("thuocl", "地名", "place.scenic"),
    ("jieba", "ns", "place.scenic"),
    ("thuocl", "IT", "object.digital"),
    ("thuocl", "食物", "object.food.dish"),
    ("thuocl", "动物", "being.animal.wild"),
    ("jieba", "nt", "org.company"),
)
ATOMIC_SHARE = 0.41   # the source system: 900k atomic of 2.2M cleaned tags


def _section(source: str, section: str) -> list[str]:
    """One lexicon section's words, most frequent first (THUOCL lists are in frequency order)."""
    if source == "thuocl":
        return _thuocl()[section]
    return [w for w, _, pos in _jieba_rows() if pos == section]


@lru_cache(maxsize=1)
def extra_words() -> dict[str, tuple[str, ...]]:
    """Leaf -> the extra words its sources give, best first; a word goes to the first source that has it."""
    taken: set[str] = set()
    out: dict[str, list[str]] = {}
    for source, section, leaf in SOURCES:
        for word in _section(source, section):
            if word not in taken and _clean(word, 2) and not _denied(word):
                taken.add(word)
                out.setdefault(leaf, []).append(word)
    return {leaf: tuple(words) for leaf, words in out.items()}


def extend_pools(pools: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The demo pools with each leaf's extra words appended (words a pool already holds stay where they are)."""
    owned = {w for words in pools.values() for w in words}
    extra = extra_words()
    return {leaf: words + tuple(w for w in extra.get(leaf, ()) if w not in owned) for leaf, words in pools.items()}


def atomic_count(n_tags: int, supply: int) -> int:
    """Atomic tags in an n_tags library: the source system's share, as far as the lexicons reach (phrases make
    up the rest)."""
    return min(supply, max(1, round(n_tags * ATOMIC_SHARE)))
