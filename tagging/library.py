"""The approved tag library held in memory: names, aliases, components and an Aho-Corasick automaton."""
from __future__ import annotations

from dataclasses import dataclass, field

import ahocorasick
import numpy as np
from tqdm import tqdm

from text.normalize import normalize

MIN_KEY_CHARS = 2  # one-character keys (色, 包) would match nearly every text


@dataclass
class Match:
    """One occurrence of a tag key in a normalised text."""

    row: int
    via: str        # 'name' | 'alias'
    start: int
    end: int        # exclusive
    surface: str


@dataclass
class TagLibrary:
    """Approved tags as parallel lists; `row` maps a tag id to its position everywhere in tagging/."""

    ids: list[str]
    names: list[str]
    is_phrase: np.ndarray                      # (n,) bool
    aliases: list[list[str]]
    components: list[tuple[int, ...]]          # phrase rows -> atomic rows, reading order
    row: dict[str, int] = field(default_factory=dict)
    keys: dict[str, list[tuple[int, str]]] = field(default_factory=dict)   # normalised key -> [(row, via)]
    phrases_of: dict[int, list[int]] = field(default_factory=dict)         # atomic row -> phrase rows
    automaton: ahocorasick.Automaton | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def match(self, text: str) -> list[Match]:
        """Every occurrence of every tag name or alias in `text` (already normalised), overlaps included."""
        out = []
        if not self.keys:       # an empty library: pyahocorasick refuses to search an automaton without words
            return out
        for end, (key, owners) in self.automaton.iter(text):
            start = end - len(key) + 1
            out.extend(Match(r, via, start, end + 1, key) for r, via in owners)
        return out

    def lookup(self, text: str) -> list[tuple[int, str]]:
        """Tags whose whole name or alias equals the normalised text (exact match)."""
        return self.keys.get(normalize(text), [])


def build_library(rows: list[dict], progress: bool = False) -> TagLibrary:
    """A TagLibrary from rows {id, name, kind, aliases, components}; the automaton is built once here."""
    ids = [r["id"] for r in rows]
    row = {t: i for i, t in enumerate(ids)}
    lib = TagLibrary(ids=ids, names=[r["name"] for r in rows],
                     is_phrase=np.array([r.get("kind") == "phrase" for r in rows], bool),
                     aliases=[list(r.get("aliases") or []) for r in rows],
                     components=[tuple(row[c] for c in (r.get("components") or []) if c in row) for r in rows],
                     row=row)
    for i, (name, aliases) in enumerate(tqdm(zip(lib.names, lib.aliases), total=len(ids), desc="tag keys",
                                             disable=not progress, unit="tag")):
        for text, via in [(name, "name")] + [(a, "alias") for a in aliases]:
            key = normalize(text)
            if len(key) >= MIN_KEY_CHARS:
                owners = lib.keys.setdefault(key, [])
                if all(r != i for r, _ in owners):
                    owners.append((i, via))
    for p, comps in enumerate(lib.components):
        for c in set(comps):
            lib.phrases_of.setdefault(c, []).append(p)
    auto = ahocorasick.Automaton()
    for key, owners in lib.keys.items():
        auto.add_word(key, (key, tuple(owners)))
    auto.make_automaton()
    lib.automaton = auto
    return lib
