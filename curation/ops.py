"""Curator operations on the tag library; each is one transaction that also writes its audit record."""
from __future__ import annotations

import json

from neo4j.exceptions import ConstraintError

from graph.cypher import curation as Q, schema as SQ
from graph.db import Graph
from mining.aliases import candidate_id
from text.normalize import tag_key

STATUSES = ("candidate", "approved", "rejected", "merged")


class CurationError(Exception):
    """A curator action that cannot be applied; `code` maps to an HTTP status in the API."""

    def __init__(self, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}


def _locked(tx, tag_id: str) -> dict:
    row = tx.run(Q.LOCK_TAG, id=tag_id).single()
    if row is None:
        raise CurationError("not_found", f"no tag with id {tag_id!r}")
    return row["tag"]


def _record(tx, tag_id, who, action, before, after, reason=None) -> dict:
    tx.run(SQ.BUMP_LIBRARY).consume()   # in the change's own transaction: the tagger sees both or neither
    return tx.run(Q.RECORD_CHANGE, tag_id=tag_id, who=who, action=action, reason=reason,
                  before=json.dumps(before, ensure_ascii=False, default=str),
                  after=json.dumps(after, ensure_ascii=False, default=str)).single().data()


def _require_who(who: str) -> None:
    if not who or not who.strip():
        raise CurationError("invalid", "every change needs a curator name ('who')")


def _run(graph: Graph, work, *args):
    try:
        return graph.write(work, *args)
    except ConstraintError as exc:
        # Only the approved_key constraint can fire here: a look-alike tag is already approved.
        raise CurationError("conflict", "an approved tag with the same normalised name already exists",
                            {"neo4j": exc.message}) from exc


def approve(graph: Graph, tag_id: str, who: str, reason: str | None = None) -> dict:
    """candidate|rejected -> approved."""
    return _set_status(graph, tag_id, "approved", "approve", who, reason, allowed_from=("candidate", "rejected"))


def reject(graph: Graph, tag_id: str, who: str, reason: str) -> dict:
    """candidate|approved -> rejected; a reason is required."""
    if not reason or not reason.strip():
        raise CurationError("invalid", "a rejection needs a reason")
    return _set_status(graph, tag_id, "rejected", "reject", who, reason, allowed_from=("candidate", "approved"))


def _set_status(graph, tag_id, status, action, who, reason, allowed_from) -> dict:
    _require_who(who)

    def work(tx):
        tag = _locked(tx, tag_id)
        if tag["status"] == status:
            raise CurationError("conflict", f"tag {tag_id} is already {status}", {"status": status})
        if tag["status"] not in allowed_from:
            raise CurationError("conflict", f"tag {tag_id} is {tag['status']}; cannot become {status}",
                                {"status": tag["status"]})
        fields = {"status": status, "approved_key": tag_key(tag["name"]) if status == "approved" else None}
        tx.run(Q.SET_TAG_FIELDS, id=tag_id, fields=fields).consume()
        change = _record(tx, tag_id, who, action, {"status": tag["status"]}, {"status": status}, reason)
        return {"id": tag_id, "status": status, "change": change}

    return _run(graph, work)


def rename(graph: Graph, tag_id: str, new_name: str, who: str, keep_alias: bool = True) -> dict:
    """Rename a tag; the old name stays as an alias unless keep_alias is False."""
    _require_who(who)
    new_name = (new_name or "").strip()
    if not new_name or len(new_name) > 100:
        raise CurationError("invalid", "a tag name needs 1 to 100 characters")

    def work(tx):
        tag = _locked(tx, tag_id)
        if tag["status"] == "merged":
            raise CurationError("conflict", f"tag {tag_id} was merged; rename the tag it was merged into")
        aliases = list(tag["aliases"] or [])
        if keep_alias and tag["name"] not in aliases:
            aliases.append(tag["name"])
        aliases = [a for a in aliases if a != new_name]
        fields = {"name": new_name}
        if tag["status"] == "approved":
            fields["approved_key"] = tag_key(new_name)
        tx.run(Q.SET_TAG_FIELDS, id=tag_id, fields=fields).consume()
        tx.run(Q.SET_ALIASES, id=tag_id, aliases=aliases).consume()
        change = _record(tx, tag_id, who, "rename", {"name": tag["name"], "aliases": tag["aliases"]},
                         {"name": new_name, "aliases": aliases})
        return {"id": tag_id, "name": new_name, "aliases": aliases, "change": change}

    return _run(graph, work)


def alias(graph: Graph, tag_id: str, who: str, add: str | None = None, remove: str | None = None) -> dict:
    """Add and/or remove one alias."""
    _require_who(who)
    if not add and not remove:
        raise CurationError("invalid", "give an alias to add or to remove")
    if add and len(add.strip()) > 100:
        raise CurationError("invalid", "an alias has at most 100 characters")

    def work(tx):
        tag = _locked(tx, tag_id)
        before = list(tag["aliases"] or [])
        aliases = list(before)
        if remove:
            if remove not in aliases:
                raise CurationError("not_found", f"tag {tag_id} has no alias {remove!r}")
            aliases.remove(remove)
        if add:
            add_ = add.strip()
            if add_ == tag["name"] or add_ in aliases:
                raise CurationError("conflict", f"{add_!r} is already the name or an alias of {tag_id}")
            aliases.append(add_)
        tx.run(Q.SET_ALIASES, id=tag_id, aliases=aliases).consume()
        change = _record(tx, tag_id, who, "alias", {"aliases": before}, {"aliases": aliases})
        return {"id": tag_id, "aliases": aliases, "change": change}

    return _run(graph, work)


def approve_alias(graph: Graph, tag_id: str, alias_: str, who: str, reason: str | None = None) -> dict:
    """Approve a mined alias candidate (mining/aliases.py): the alias is added to the tag, the candidate is
    marked approved, and the library version moves so the tagger reads the alias."""
    _require_who(who)

    def work(tx):
        tag = _locked(tx, tag_id)
        if tag["status"] in ("merged", "rejected"):
            raise CurationError("conflict", f"tag {tag_id} is {tag['status']}; its aliases cannot change")
        cand = _alias_candidate(tx, tag_id, alias_, "approved")
        before = list(tag["aliases"] or [])
        if alias_ == tag["name"] or alias_ in before:
            raise CurationError("conflict", f"{alias_!r} is already the name or an alias of {tag_id}")
        aliases = before + [alias_]
        tx.run(Q.SET_ALIASES, id=tag_id, aliases=aliases).consume()
        tx.run(Q.SET_ALIAS_CANDIDATE_STATUS, id=cand, status="approved", reason=reason, who=who).consume()
        change = _record(tx, tag_id, who, "approve-alias", {"aliases": before},
                         {"aliases": aliases, "alias_candidate": cand}, reason)
        return {"id": tag_id, "alias": alias_, "aliases": aliases, "change": change}

    return _run(graph, work)


def reject_alias(graph: Graph, tag_id: str, alias_: str, who: str, reason: str) -> dict:
    """Reject a mined alias candidate, with a reason; alias mining does not propose it again."""
    _require_who(who)
    if not reason or not reason.strip():
        raise CurationError("invalid", "a rejection needs a reason")

    def work(tx):
        _locked(tx, tag_id)
        cand = _alias_candidate(tx, tag_id, alias_, "rejected")
        tx.run(Q.SET_ALIAS_CANDIDATE_STATUS, id=cand, status="rejected", reason=reason, who=who).consume()
        change = _record(tx, tag_id, who, "reject-alias", {"alias_candidate": cand, "status": "candidate"},
                         {"alias_candidate": cand, "status": "rejected"}, reason)
        return {"id": tag_id, "alias": alias_, "status": "rejected", "change": change}

    return _run(graph, work)


def _alias_candidate(tx, tag_id: str, alias_: str, to: str) -> str:
    """The id of the pending alias candidate `alias_` of `tag_id`; not_found / conflict when there is none."""
    row = tx.run(Q.ALIAS_CANDIDATE, id=candidate_id(tag_id, alias_)).single()
    if row is None:
        raise CurationError("not_found", f"no alias candidate {alias_!r} of tag {tag_id}")
    if row["status"] != "candidate":
        raise CurationError("conflict", f"alias candidate {alias_!r} of tag {tag_id} is already {row['status']}; "
                            f"cannot become {to}", {"status": row["status"]})
    return row["id"]


def list_alias_candidates(graph: Graph, *, status: str = "candidate", tag_id: str | None = None,
                          limit: int = 50, offset: int = 0) -> dict:
    """A page of mined alias candidates in `status`, best score first; `next_offset` is None on the last page."""
    if status not in ("candidate", "approved", "rejected"):
        raise CurationError("invalid", "status must be candidate, approved or rejected")
    if not 1 <= limit <= 500 or offset < 0:
        raise CurationError("invalid", "limit must be 1..500 and offset >= 0")
    rows = graph.query(Q.LIST_ALIAS_CANDIDATES, status=status, tag_id=tag_id, limit=limit + 1, offset=offset)
    items = [r["candidate"] for r in rows[:limit]]
    return {"items": items, "next_offset": offset + limit if len(rows) > limit else None}


def reclassify(graph: Graph, tag_id: str, category: str, who: str, reason: str | None = None) -> dict:
    """Put an atomic tag in another taxonomy class (confidence 1, method 'curator')."""
    _require_who(who)

    def work(tx):
        tag = _locked(tx, tag_id)
        if tag["kind"] != "atomic":
            raise CurationError("invalid", f"tag {tag_id} is a phrase tag; only atomic tags have a class")
        if tx.run(Q.CATEGORY_EXISTS, id=category).single() is None:
            raise CurationError("not_found", f"no taxonomy class {category!r}")
        before = tx.run(Q.TAG_CATEGORY, id=tag_id).single()
        tx.run(Q.SET_CATEGORY, id=tag_id, category=category, confidence=1.0, method="curator").consume()
        change = _record(tx, tag_id, who, "reclassify", before.data() if before else None,
                         {"category": category, "confidence": 1.0, "method": "curator"}, reason)
        return {"id": tag_id, "category": category, "change": change}

    return _run(graph, work)


def merge(graph: Graph, loser_id: str, survivor_id: str, who: str, reason: str | None = None) -> dict:
    """Merge loser into survivor: its edges move, its names become aliases, a redirect stays."""
    _require_who(who)
    if loser_id == survivor_id:
        raise CurationError("invalid", "cannot merge a tag into itself")

    def work(tx):
        # Lock in id order so two opposite merges cannot deadlock.
        locked = {i: _locked(tx, i) for i in sorted((loser_id, survivor_id))}
        loser, survivor = locked[loser_id], locked[survivor_id]
        for t in (loser, survivor):
            if t["status"] in ("merged", "rejected"):
                raise CurationError("conflict", f"tag {t['id']} is {t['status']}; cannot take part in a merge")
        moved = []
        for e in tx.run(Q.TAG_EDGES, id=loser_id).data():
            if e["other_id"] == survivor_id:
                continue  # an edge between the two tags would become a self-loop
            stmt = Q.MOVE_EDGE_OUT if e["out"] else Q.MOVE_EDGE_IN
            created = tx.run(stmt, survivor=survivor_id, other=e["other"], type=e["type"], props=e["props"]).single()["created"]
            moved.append({**e, "created": created})
        tx.run(Q.DELETE_TAG_EDGES, id=loser_id).consume()
        aliases = list(survivor["aliases"] or [])
        for name in [loser["name"], *(loser["aliases"] or [])]:
            if name not in aliases and name != survivor["name"]:
                aliases.append(name)
        tx.run(Q.SET_ALIASES, id=survivor_id, aliases=aliases).consume()
        tx.run(Q.SET_TAG_FIELDS, id=loser_id, fields={"status": "merged", "approved_key": None}).consume()
        before = {"loser": {"status": loser["status"]}, "survivor_aliases": survivor["aliases"] or []}
        after = {"survivor": survivor_id, "survivor_aliases": aliases, "moved": moved}
        change = _record(tx, loser_id, who, "merge", before, after, reason)
        tx.run(Q.CREATE_MERGED_INTO, loser=loser_id, survivor=survivor_id, change_id=change["id"]).consume()
        return {"id": loser_id, "merged_into": survivor_id, "moved_edges": len(moved), "change": change}

    return _run(graph, work)


def unmerge(graph: Graph, loser_id: str, who: str, reason: str | None = None) -> dict:
    """Undo the last merge of loser_id: edges, aliases, status and the redirect go back."""
    _require_who(who)

    def work(tx):
        loser = _locked(tx, loser_id)
        if loser["status"] != "merged":
            raise CurationError("conflict", f"tag {loser_id} is {loser['status']}, not merged")
        last = tx.run(Q.LAST_MERGE, id=loser_id).single()
        if last is None:
            raise CurationError("not_found", f"no merge of {loser_id} to undo")
        before, after = json.loads(last["before"]), json.loads(last["after"])
        survivor_id = after["survivor"]
        survivor = _locked(tx, survivor_id)
        for e in after["moved"]:
            stmt = Q.RESTORE_EDGE_OUT if e["out"] else Q.RESTORE_EDGE_IN
            tx.run(stmt, loser=loser_id, survivor=survivor_id, other=e["other"], type=e["type"],
                   props=e["props"], created=e["created"]).consume()
        # Aliases the survivor gained since the merge are kept; the merge's own additions go.
        added = set(after["survivor_aliases"]) - set(before["survivor_aliases"])
        aliases = [a for a in (survivor["aliases"] or []) if a not in added]
        tx.run(Q.SET_ALIASES, id=survivor_id, aliases=aliases).consume()
        status = before["loser"]["status"]
        tx.run(Q.SET_TAG_FIELDS, id=loser_id, fields={
            "status": status, "approved_key": tag_key(loser["name"]) if status == "approved" else None}).consume()
        tx.run(Q.DELETE_MERGED_INTO, loser=loser_id).consume()
        tx.run(Q.MARK_UNDONE, change_id=last["id"]).consume()
        change = _record(tx, loser_id, who, "unmerge", {"status": "merged", "merged_into": survivor_id},
                         {"status": status}, reason)
        return {"id": loser_id, "status": status, "restored_edges": len(after["moved"]), "change": change}

    return _run(graph, work)


def list_candidates(graph: Graph, *, status: str = "candidate", kind: str | None = None,
                    min_score: float | None = None, pipeline: str | None = None, q: str | None = None,
                    sort: str = "score", limit: int = 50, offset: int = 0) -> dict:
    """A page of tags in `status`, best first; `next_offset` is None on the last page."""
    if status not in STATUSES:
        raise CurationError("invalid", f"status must be one of {', '.join(STATUSES)}")
    if sort not in ("score", "recent", "name"):
        raise CurationError("invalid", "sort must be score, recent or name")
    if not 1 <= limit <= 500 or offset < 0:
        raise CurationError("invalid", "limit must be 1..500 and offset >= 0")
    rows = graph.query(Q.LIST_CANDIDATES, status=status, kind=kind, min_score=min_score, pipeline=pipeline,
                       q=q, sort=sort, limit=limit + 1, offset=offset)
    items = [r["tag"] for r in rows[:limit]]
    return {"items": items, "next_offset": offset + limit if len(rows) > limit else None}


def history(graph: Graph, tag_id: str) -> list[dict]:
    """The audit trail of one tag, newest first."""
    return [r["change"] for r in graph.query(Q.TAG_HISTORY, id=tag_id)]


def set_video_tag(graph: Graph, video_id: str, tag_id: str, who: str, role: str = "core",
                  reason: str | None = None) -> dict:
    """Put an approved tag on a video by hand: HAS_TAG {source: 'curator', role}; it replaces the tagger's edge
    on the pair, and every model reads it as a label."""
    _require_who(who)
    if role not in ("core", "related"):
        raise CurationError("invalid", "role must be core or related")

    def work(tx):
        tag = _locked(tx, tag_id)
        if tag["status"] != "approved":
            raise CurationError("conflict", f"tag {tag_id} is {tag['status']}; only approved tags go on videos",
                                {"status": tag["status"]})
        state = _video_state(tx, video_id, tag_id)
        tx.run(Q.SET_VIDEO_TAG, video=video_id, tag=tag_id, role=role, who=who).consume()
        after = {"video": video_id, "source": "curator", "role": role}
        change = _record(tx, tag_id, who, "set-video-tag", state, after, reason)
        return {"id": tag_id, "video": video_id, "role": role, "change": change}

    return _run(graph, work)


def remove_video_tag(graph: Graph, video_id: str, tag_id: str, who: str, reason: str | None = None) -> dict:
    """Take a tag off a video: every HAS_TAG edge of the pair goes, and the tagger will not write it again."""
    _require_who(who)

    def work(tx):
        _locked(tx, tag_id)
        state = _video_state(tx, video_id, tag_id)
        if not state["edges"] and state["removed"]:
            raise CurationError("conflict", f"tag {tag_id} is already removed from video {video_id}")
        tx.run(Q.REMOVE_VIDEO_TAG, video=video_id, tag=tag_id).consume()
        change = _record(tx, tag_id, who, "remove-video-tag", state, {"video": video_id, "removed": True}, reason)
        return {"id": tag_id, "video": video_id, "removed": True, "change": change}

    return _run(graph, work)


def _video_state(tx, video_id: str, tag_id: str) -> dict:
    row = tx.run(Q.VIDEO_TAG_STATE, video=video_id, tag=tag_id).single()
    if row is None:
        raise CurationError("not_found", f"no video with id {video_id!r}")
    return {"video": video_id, "edges": row["edges"], "removed": row["removed"]}
