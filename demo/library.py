"""The demo tag library: atomic tags picked from the lexicon pools, phrase tags built from patterns."""
from __future__ import annotations

import json
import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

import opencc

from demo.lexicons import alias_table, build_pools, homophones, place_full_names
from demo.patterns import GROUPS, PATTERNS, SUBSETS
from demo.scale import atomic_count, extend_pools
from demo.themes import theme_ids, theme_names
from text.normalize import tag_key


RETIRE_AFTER = 1000   # failed draws in a row that retire a pattern in a library of a fixed size (n_tags)


@dataclass
class Library:
    """Tags as parallel lists indexed by tag number (id = t + number + 1), plus lookups."""

    names: list[str] = field(default_factory=list)
    leaf: list[str | None] = field(default_factory=list)      # atomic: taxonomy leaf
    comps: list[tuple[int, ...]] = field(default_factory=list)  # phrase: atomic components
    domain: list[str | None] = field(default_factory=list)    # phrase: pattern domain
    affix: list[tuple[str, str]] = field(default_factory=list)  # phrase: (prefix, suffix)
    aliases: list[tuple[str, ...]] = field(default_factory=list)
    typo: list[str | None] = field(default_factory=list)
    by_name: dict[str, int] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)  # tag_key of every name: the loader refuses look-alikes
    by_leaf: dict[str, list[int]] = field(default_factory=dict)
    phrases_by_domain: dict[str, list[int]] = field(default_factory=dict)
    cores: list[int] = field(default_factory=list)            # phrase tags, most popular first
    core_cum: list[float] = field(default_factory=list)       # Zipf cumulative weights of `cores`
    themes: dict[str, int] = field(default_factory=dict)      # theme, genre, occasion tags (demo/themes.py)

    def tag_id(self, i: int) -> str:
        return f"t{i + 1:06d}"

    def is_phrase(self, i: int) -> bool:
        return self.leaf[i] is None

    def popular_core(self, u: float) -> int:
        """The phrase tag at Zipf quantile u in [0, 1)."""
        return self.cores[bisect(self.core_cum, u * self.core_cum[-1])]


def library_size(n_videos: int) -> tuple[int, int]:
    """(atomic, phrase) tag counts for a corpus of n_videos; atomic is capped by the lexicon pools."""
    return max(3000, 2000 + n_videos // 20), max(2000, min(150_000, n_videos // 8))


def build_library(n_videos: int, seed: int, n_tags: int | None = None) -> Library:
    """Pick atomic tags, build phrase tags, aliases and typos, all from `seed`.

    n_tags asks for a library of about that many tags whatever the corpus size (demo/scale.py: the pools grow
    with whole lexicon sections); without it the size follows n_videos."""
    rng = random.Random(f"{seed}:library")
    pools = build_pools()
    if n_tags is None:
        n_atomic, n_phrase = library_size(n_videos)
    else:
        pools = extend_pools(pools)
        n_atomic = atomic_count(n_tags, sum(map(len, pools.values())))
    lib = Library()
    _add_atomic(lib, n_atomic, pools)
    if n_tags is not None:   # the theme tags come last; look-alike words dropped above are made up by phrases
        n_phrase = max(0, n_tags - len(theme_names()) - len(lib.names))
    _add_phrases(lib, n_phrase, rng, None if n_tags is None else RETIRE_AFTER)
    _add_aliases(lib, rng)
    _add_typos(lib, rng)
    lib.themes = theme_ids(lib)   # last: the other tags keep their ids
    lib.cores = [i for i in range(len(lib.names)) if lib.is_phrase(i)]
    rng.shuffle(lib.cores)
    lib.core_cum = list(accumulate(1.0 / (r + 5) ** 0.9 for r in range(len(lib.cores))))
    return lib


def _add_atomic(lib: Library, n_atomic: int, pools: dict[str, tuple[str, ...]]) -> None:
    """Fill leaves evenly (water-filling) from each pool's best words, then force pattern words in."""
    quota = dict.fromkeys(pools, 0)
    left = min(n_atomic, sum(map(len, pools.values())))
    while left > 0:
        open_leaves = [leaf for leaf in pools if quota[leaf] < len(pools[leaf])]
        share = max(1, left // len(open_leaves))
        for leaf in open_leaves:
            take = min(share, len(pools[leaf]) - quota[leaf], left)
            quota[leaf] += take
            left -= take
    wanted = {leaf: list(pools[leaf][:quota[leaf]]) for leaf in pools}
    for leaf, word in _pattern_words():
        if word in pools[leaf] and word not in wanted[leaf]:
            wanted[leaf].append(word)
    for leaf in sorted(wanted):
        for word in wanted[leaf]:
            if tag_key(word) not in lib.keys:  # e.g. 鳣鱼 and its traditional form 鱣鱼
                _append(lib, word, leaf=leaf)


def _pattern_words():
    """(leaf, word) of every fixed slot and subset member the patterns name."""
    pools = build_pools()
    owner = {w: leaf for leaf, words in pools.items() for w in words}
    for pattern in PATTERNS:
        for slot in pattern.slots:
            if slot.startswith("="):
                if slot[1:] not in owner:
                    raise ValueError(f"pattern word {slot[1:]!r} is in no lexicon pool")
                yield owner[slot[1:]], slot[1:]
    for leaf, words in SUBSETS.values():
        yield from ((leaf, w) for w in words if w in pools[leaf])


def _append(lib: Library, name: str, leaf=None, comps=(), domain=None, affix=("", "")) -> int:
    i = len(lib.names)
    lib.names.append(name)
    lib.leaf.append(leaf)
    lib.comps.append(tuple(comps))
    lib.domain.append(domain)
    lib.affix.append(affix)
    lib.by_name[name] = i
    lib.keys.add(tag_key(name))
    if leaf is not None:
        lib.by_leaf.setdefault(leaf, []).append(i)
    else:
        lib.phrases_by_domain.setdefault(domain, []).append(i)
    return i


def _add_phrases(lib: Library, n_phrase: int, rng: random.Random, retire_after: int | None = None) -> None:
    """Draw patterns by weight and fill their slots with skew toward each leaf's best words.

    retire_after: a pattern that failed this many draws in a row (its names are used up) is drawn no more,
    so a library near the patterns' capacity does not spend its attempts on full ones."""
    weights = [p.weight for p in PATTERNS]
    cum = list(accumulate(weights))
    fails = [0] * len(PATTERNS)
    choices = {slot: _slot_choices(lib, slot) for p in PATTERNS for slot in p.slots}
    made = 0
    for _ in range(n_phrase * 30):
        if made == n_phrase or not cum[-1]:
            break
        k = bisect(cum, rng.random() * cum[-1])
        pattern = PATTERNS[k]
        comps = [_pick(choices[slot], rng) for slot in pattern.slots]
        name = None if None in comps or len(set(comps)) < len(comps) else \
            pattern.prefix + "".join(lib.names[c] for c in comps) + pattern.suffix
        if name is None or name in lib.by_name or tag_key(name) in lib.keys:
            fails[k] += 1
            if retire_after and fails[k] >= retire_after:
                weights[k] = 0
                cum = list(accumulate(weights))
            continue
        fails[k] = 0
        _append(lib, name, comps=comps, domain=pattern.domain, affix=(pattern.prefix, pattern.suffix))
        made += 1


def _slot_choices(lib: Library, slot: str) -> list[list[int]]:
    """Candidate tag lists for one slot: one list per leaf it may draw from."""
    if slot.startswith("="):
        return [[lib.by_name[slot[1:]]]]
    if slot.startswith("~"):
        leaf, words = SUBSETS[slot[1:]]
        return [[lib.by_name[w] for w in words if w in lib.by_name and lib.leaf[lib.by_name[w]] == leaf]]
    leaves = GROUPS[slot[1:]] if slot.startswith("@") else (slot,)
    return [lib.by_leaf[leaf] for leaf in leaves if lib.by_leaf.get(leaf)]


def _pick(lists: list[list[int]], rng: random.Random) -> int | None:
    """A tag from one of the lists, skewed toward the front (the lexicon's most frequent words)."""
    if not lists:
        return None
    tags = lists[int(rng.random() * len(lists))]
    return tags[int(len(tags) * rng.random() ** 2)] if tags else None


def _add_aliases(lib: Library, rng: random.Random) -> None:
    """Known aliases, some traditional-character forms, and phrase variants with an aliased component."""
    table = alias_table()
    places = place_full_names()
    to_trad = opencc.OpenCC("s2t").convert
    taken = set(lib.by_name)
    for i, name in enumerate(lib.names):
        found = list(table.get(name, ()))
        if lib.leaf[i] in ("place.country", "place.province", "place.city") and name in places:
            found.append(places[name])
        if lib.is_phrase(i) and rng.random() < 0.35:
            found += _component_aliases(lib, i, table, rng)
        if rng.random() < 0.1:
            found.append(to_trad(name))
        keep = tuple(dict.fromkeys(a for a in found if a != name and a not in taken))
        taken.update(keep)
        lib.aliases.append(keep)


def _component_aliases(lib: Library, i: int, table: dict, rng: random.Random) -> list[str]:
    """The phrase's name with one component swapped for one of that component's aliases.

    Only Chinese aliases are swapped in (穿搭 -> 搭配指南), except for brands (华为 -> HUAWEI):
    "red工装裤" is not something people write.
    """
    prefix, suffix = lib.affix[i]
    comps = lib.comps[i]
    usable = {k: [a for a in table.get(lib.names[c], ())
                  if not a.isascii() or lib.leaf[c].startswith("org.brand")]
              for k, c in enumerate(comps)}
    swappable = [k for k, options in usable.items() if options]
    if not swappable:
        return []
    k = swappable[int(rng.random() * len(swappable))]
    parts = [lib.names[c] for c in comps]
    options = usable[k]
    parts[k] = options[int(rng.random() * len(options))]
    return [prefix + "".join(parts) + suffix]


def _add_typos(lib: Library, rng: random.Random) -> None:
    """One homophone typo per tag (a character swapped for one that sounds the same), if possible."""
    sounds = homophones()
    for name in lib.names:
        spots = [k for k, ch in enumerate(name) if ch in sounds]
        if not spots:
            lib.typo.append(None)
            continue
        k = spots[int(rng.random() * len(spots))]
        alts = sounds[name[k]]
        lib.typo.append(name[:k] + alts[int(rng.random() * len(alts))] + name[k + 1:])



def write_tags(lib: Library, path) -> None:
    """Write tags.jsonl, one approved tag per line, in id order."""
    with open(path, "w", encoding="utf-8") as f:
        for i, name in enumerate(lib.names):
            phrase = lib.is_phrase(i)
            f.write(json.dumps({
                "id": lib.tag_id(i), "name": name, "kind": "phrase" if phrase else "atomic",
                "status": "approved", "aliases": list(lib.aliases[i]),
                "category": None if phrase else lib.leaf[i],
                "components": [lib.tag_id(c) for c in lib.comps[i]], "source": "demo",
            }, ensure_ascii=False) + "\n")
