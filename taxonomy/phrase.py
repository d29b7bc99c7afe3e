"""Phrase structure: split a phrase tag into atomic tags, find its head, derive broader/narrower links.

Chinese compounds are right-headed: the last atomic component names what the phrase is a kind of
(白色连衣裙 is a 连衣裙), so a phrase is narrower than its head, and narrower than any phrase with the
same head whose components it contains (白色长款连衣裙 -> 白色连衣裙).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import combinations

import jieba

from mining.merge import candidate_id
from text.normalize import normalize, tag_key

# Question and glue words: part of a phrase's wording, never one of its atomic components.
FUNCTION_WORDS = frozenset("""如何 怎么 怎样 怎么办 怎么做 怎么搭 怎么选 怎么用 怎么样 哪个 哪个好 哪个好用 哪些 哪里
什么 为什么 多少 吗 呢 吧 啊 的 之 和 与 及 跟 或 还是 是 有 在 了""".split())
_USER_FREQ = 10_000_000  # far above jieba's own words: the library's segmentation wins


@dataclass(frozen=True)
class Structure:
    """A phrase's atomic components (ids, reading order), its head id and the parts the library lacks."""

    components: tuple[str, ...]
    head: str | None
    missing: tuple[str, ...] = field(default=())


class Segmenter:
    """jieba, on its own Tokenizer, with the atomic tags' names and aliases as its user dictionary."""

    def __init__(self, atomic_keys: dict[str, str]):
        """`atomic_keys`: tag_key of each atomic name or alias -> atomic tag id."""
        self.ids = atomic_keys
        # a private tokenizer: jieba's global one is shared with mining and must not learn our words
        self.tok = jieba.Tokenizer()
        self.tok.initialize()
        logging.getLogger("jieba").setLevel(logging.WARNING)
        for word in FUNCTION_WORDS:
            self.tok.add_word(word, _USER_FREQ)
        self.words: set[str] = set()

    def add(self, surfaces: list[str]) -> None:
        """Teach the tokenizer atomic names (normalised); call once per name or alias."""
        for s in surfaces:
            w = normalize(s)
            if w and w not in self.words and " " not in w:
                self.words.add(w)
                self.tok.add_word(w, _USER_FREQ * max(1, len(w)))

    def split(self, name: str) -> Structure:
        """Components of a phrase name; unknown runs become `missing` parts, function words are dropped."""
        comps, missing, run = [], [], []

        def close_run():
            if run:
                part = "".join(run)
                if len(part) >= 2 and part not in FUNCTION_WORDS:
                    missing.append(part)
                    comps.append(None)
                run.clear()

        for token in self.tok.cut(normalize(name), HMM=False):
            token = token.strip()
            if not token or token in FUNCTION_WORDS or not any(ch.isalnum() for ch in token):
                close_run()
                continue
            tid = self.ids.get(tag_key(token))
            if tid is not None:
                close_run()
                comps.append(tid)
            else:
                run.append(token)  # consecutive unknown tokens form one candidate part
        close_run()
        known = tuple(c for c in comps if c is not None)
        head = comps[-1] if comps and comps[-1] is not None else None
        return Structure(known, head, tuple(missing))


def build_segmenter(atomics: list[dict]) -> Segmenter:
    """A Segmenter over atomic tag dicts ({id, name, aliases}); the first tag claiming a key keeps it."""
    keys: dict[str, str] = {}
    for t in atomics:
        for s in [t["name"], *(t.get("aliases") or [])]:
            keys.setdefault(tag_key(s), t["id"])
    seg = Segmenter(keys)
    for t in atomics:
        seg.add([t["name"], *(t.get("aliases") or [])])
    return seg


def broader_edges(structures: dict[str, Structure]) -> list[tuple[str, str]]:
    """(narrower, broader) pairs: each phrase -> its head, and -> every phrase with the same head whose
    components are a proper subset of its own."""
    by_key: dict[tuple[str, frozenset], list[str]] = {}
    for pid, s in structures.items():
        if s.head:
            by_key.setdefault((s.head, frozenset(s.components)), []).append(pid)
    edges = []
    for pid, s in structures.items():
        if not s.head:
            continue
        edges.append((pid, s.head))
        others = [c for c in dict.fromkeys(s.components) if c != s.head]
        for size in range(1, len(others)):  # proper subsets that keep the head and one more part
            for sub in combinations(others, size):
                for broader in by_key.get((s.head, frozenset((s.head, *sub))), []):
                    edges.append((pid, broader))
    return edges


def proposals(structures: dict[str, Structure]) -> list[dict]:
    """Candidate atomic tags for missing parts: {id, name, key, phrases} once per key."""
    out: dict[str, dict] = {}
    for pid, s in structures.items():
        for part in s.missing:
            key = tag_key(part)
            entry = out.setdefault(key, {"id": candidate_id(key), "name": part, "key": key, "phrases": []})
            entry["phrases"].append(pid)
    return list(out.values())
