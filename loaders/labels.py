"""Resolve label rows to the tag they mean: by id or by name/alias, through curator merges.

Name rules, first tier that matches wins (names and aliases compare by text.normalize.tag_key):
  1. the approved tag whose name it is (approved names are unique),
  2. a candidate tag of that name,
  3. an approved tag that has it as an alias,
  4. a candidate tag that has it as an alias.
Every match first follows MERGED_INTO to the surviving tag; within a tier a tag that still carries the
name beats one merged away under it. Two different tags in the winning tier
make the name ambiguous: the row is rejected and asks for a tag_id. Rejected tags never match.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from graph.cypher import load as Q
from loaders.models import LabelRow
from text.normalize import tag_key


LABELLED_STATUSES = ("approved", "candidate")


@dataclass
class TagDirectory:
    """The tag library as plain dicts, for resolving one label file in memory."""

    status: dict[str, str] = field(default_factory=dict)        # tag id -> status
    name: dict[str, str] = field(default_factory=dict)          # tag id -> name
    merged_into: dict[str, str] = field(default_factory=dict)   # loser id -> survivor id (one hop)
    by_name: dict[str, list[str]] = field(default_factory=dict)   # tag_key(name) -> tag ids
    by_alias: dict[str, list[str]] = field(default_factory=dict)  # tag_key(alias) -> tag ids

    @classmethod
    def from_rows(cls, rows) -> "TagDirectory":
        """rows: dicts with id, name, aliases, status, merged_into (None unless merged)."""
        d = cls()
        for r in rows:
            d.status[r["id"]] = r["status"]
            d.name[r["id"]] = r["name"]
            if r.get("merged_into"):
                d.merged_into[r["id"]] = r["merged_into"]
            if r["status"] == "rejected":
                continue
            d.by_name.setdefault(tag_key(r["name"]), []).append(r["id"])
            for alias in r.get("aliases") or []:
                d.by_alias.setdefault(tag_key(alias), []).append(r["id"])
        return d

    def survivor(self, tag_id: str) -> str:
        """The tag a merged tag lives on as (itself when never merged); merge chains are followed."""
        seen = {tag_id}
        while tag_id in self.merged_into and self.merged_into[tag_id] not in seen:
            tag_id = self.merged_into[tag_id]
            seen.add(tag_id)
        return tag_id


@dataclass
class Resolved:
    """The outcome of one label row: a tag id, or the field and reason of its rejection; a note on redirects."""

    tag_id: str | None = None
    field: str | None = None
    reason: str | None = None
    note: str | None = None


def resolve(row: LabelRow, d: TagDirectory) -> Resolved:
    """Which stored tag a label row means (see the module docstring for the name rules)."""
    if row.tag_id is not None:
        if row.tag_id not in d.status:
            return Resolved(field="tag_id", reason=f"unknown tag id: {row.tag_id}")
        asked, where = row.tag_id, "tag_id"
    else:
        matches = _name_matches(row.tag_name, d)
        if not matches:
            return Resolved(field="tag_name", reason=f"unknown tag name: no tag is named or aliased {row.tag_name!r}")
        if len(matches) > 1:
            ids = ", ".join(sorted(matches)[:5])
            return Resolved(field="tag_name", reason=f"ambiguous tag name: {row.tag_name!r} matches tags {ids}; "
                                                     f"give tag_id instead")
        (final, asked), = matches.items()
        where = "tag_name"
    final = d.survivor(asked)
    if d.status.get(final) not in LABELLED_STATUSES:   # rejected, or merged with its redirect gone
        return Resolved(field=where, reason=f"{d.status.get(final)} tag: {final} ({d.name.get(final)}) cannot be "
                                            f"labelled; only approved and candidate tags can")
    note = (f"tag {asked} ({d.name.get(asked)}) was merged into {final} ({d.name.get(final)}); label stored on {final}"
            if final != asked else None)
    return Resolved(tag_id=final, note=note)


def _name_matches(name: str, d: TagDirectory) -> dict[str, str]:
    """{surviving tag id: the tag id the name matched} of the first tier that matches anything."""
    key = tag_key(name)
    for table in (d.by_name, d.by_alias):
        ids = table.get(key, [])
        for wanted in LABELLED_STATUSES:
            hits = [(tid, d.survivor(tid)) for tid in ids]
            hits = [(tid, final) for tid, final in hits if d.status.get(final) == wanted]
            direct = [(tid, final) for tid, final in hits if tid == final]
            if hits:
                # a tag that still carries the name beats one merged away under it
                return {final: tid for tid, final in reversed(direct or hits)}
    return {}


class LabelResolver:
    """Resolves the label rows of one load; reads the tag library once, on the first batch."""

    def __init__(self, graph):
        self.graph = graph
        self.directory: TagDirectory | None = None

    def resolve_batch(self, good: list[tuple[int, LabelRow]]):
        """(rows with tag_id set to the surviving tag, [(line, field, reason, row)], [(line, note)])."""
        if self.directory is None:
            self.directory = TagDirectory.from_rows(self.graph.query(Q.LABEL_TAG_DIRECTORY))
        ok, rejects, notes = [], [], []
        for line, row in good:
            res = resolve(row, self.directory)
            if res.tag_id is None:
                rejects.append((line, res.field, res.reason, row.model_dump(mode="json")))
                continue
            ok.append((line, row.model_copy(update={"tag_id": res.tag_id})))
            if res.note:
                notes.append((line, res.note))
        return ok, rejects, notes
