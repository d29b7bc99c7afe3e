"""The tag library as mining sees it: dedupe keys, the atomic-tag lexicon and trusted phrase tags."""
from __future__ import annotations

from dataclasses import dataclass

from text.normalize import normalize, tag_key

# Tags in these states are known to curators: never proposed again, but not trusted as examples.
_UNTRUSTED = {"rejected", "candidate", "merged"}


@dataclass(frozen=True)
class Library:
    """Lookups over a tag list; see build_library."""

    keys: frozenset[str]            # tag_key of every name and alias, any status: never re-proposed
    trusted_keys: frozenset[str]    # keys of trusted tags only: the distant positive labels
    atomic_by_key: dict[str, str]   # tag_key of a trusted atomic name/alias -> atomic tag id
    category: dict[str, str]        # atomic tag id -> taxonomy leaf id (atomics without one are absent)
    names: dict[str, str]           # tag id -> name
    phrases: tuple[dict, ...]       # trusted phrase tags: {"id", "name", "components"}
    user_words: tuple[str, ...]     # normalised atomic names and aliases, for the segmenter


def build_library(tags: list[dict]) -> Library:
    """Index a list of tag dicts (tags.jsonl rows); status missing counts as trusted."""
    keys, trusted, atomic_by_key, category, names, phrases, words = set(), set(), {}, {}, {}, [], {}
    for tag in tags:
        surfaces = [tag["name"], *(tag.get("aliases") or [])]
        tag_keys = {tag_key(s) for s in surfaces} - {""}
        keys |= tag_keys
        names[tag["id"]] = tag["name"]
        if tag.get("status") in _UNTRUSTED:
            continue
        trusted |= tag_keys
        if tag.get("kind") == "phrase":
            phrases.append({"id": tag["id"], "name": tag["name"], "components": list(tag.get("components") or [])})
            continue
        for s in surfaces:
            atomic_by_key.setdefault(tag_key(s), tag["id"])
            words.setdefault(normalize(s), None)
        if tag.get("category"):
            category[tag["id"]] = tag["category"]
    return Library(frozenset(keys), frozenset(trusted), atomic_by_key, category, names, tuple(phrases),
                   tuple(w for w in words if w))


def components_of(tokens: list[str], lib: Library) -> list[str]:
    """Atomic tag ids the tokens name, in order (tokens that are no atomic tag are skipped)."""
    return [a for a in (lib.atomic_by_key.get(tag_key(t)) for t in tokens) if a]
