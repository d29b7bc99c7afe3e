"""Curator actions on the tag library; each calls curation/ops.py and is audited under the key's name."""
from flask import Blueprint, g

from api.db import get_graph
from api.errors import ApiError
from api.schemas import (AliasIn, ApproveIn, CandidatesOut, CandidatesQuery, ChangeOut, HistoryOut, MergeIn,
                         Paging, ReclassifyIn, RejectIn, RenameIn, UnmergeIn)
from api.spec import endpoint
from curation import ops
from graph.cypher import reads as Q

bp = Blueprint("curation", __name__, url_prefix="/v1")


def _who() -> str:
    # The audit trail names the API key's owner, never a name the caller could type in.
    return g.principal.name


@endpoint(bp, "/candidates", summary="The review queue: tags of a status, filtered, sorted and paged",
          query=CandidatesQuery, response=CandidatesOut)
def candidates(query: CandidatesQuery):
    return ops.list_candidates(get_graph(), **query.model_dump())


@endpoint(bp, "/tags/<tag_id>/approve", "POST", summary="Approve a candidate (or a rejected tag)",
          role="curator", body=ApproveIn, response=ChangeOut)
def approve(tag_id: str, body: ApproveIn):
    return ops.approve(get_graph(), tag_id, who=_who(), reason=body.reason)


@endpoint(bp, "/tags/<tag_id>/reject", "POST", summary="Reject a candidate or an approved tag, with a reason",
          role="curator", body=RejectIn, response=ChangeOut)
def reject(tag_id: str, body: RejectIn):
    return ops.reject(get_graph(), tag_id, who=_who(), reason=body.reason)


@endpoint(bp, "/tags/<tag_id>/merge", "POST", summary="Merge this tag into another (edges move, a redirect stays)",
          role="curator", body=MergeIn, response=ChangeOut)
def merge(tag_id: str, body: MergeIn):
    return ops.merge(get_graph(), tag_id, body.into, who=_who(), reason=body.reason)


@endpoint(bp, "/tags/<tag_id>/unmerge", "POST", summary="Undo the last merge of this tag",
          role="curator", body=UnmergeIn, response=ChangeOut)
def unmerge(tag_id: str, body: UnmergeIn):
    return ops.unmerge(get_graph(), tag_id, who=_who(), reason=body.reason)


@endpoint(bp, "/tags/<tag_id>/rename", "POST", summary="Rename a tag (the old name stays as an alias by default)",
          role="curator", body=RenameIn, response=ChangeOut)
def rename(tag_id: str, body: RenameIn):
    return ops.rename(get_graph(), tag_id, body.name, who=_who(), keep_alias=body.keep_alias)


@endpoint(bp, "/tags/<tag_id>/aliases", "POST", summary="Add and/or remove an alias",
          role="curator", body=AliasIn, response=ChangeOut)
def alias(tag_id: str, body: AliasIn):
    return ops.alias(get_graph(), tag_id, who=_who(), add=body.add, remove=body.remove)


@endpoint(bp, "/tags/<tag_id>/reclassify", "POST", summary="Put an atomic tag into another taxonomy class",
          role="curator", body=ReclassifyIn, response=ChangeOut)
def reclassify(tag_id: str, body: ReclassifyIn):
    return ops.reclassify(get_graph(), tag_id, body.category, who=_who(), reason=body.reason)


@endpoint(bp, "/tags/<tag_id>/history", summary="The audit trail of a tag, newest first", query=Paging,
          response=HistoryOut)
def history(tag_id: str, query: Paging):
    graph = get_graph()
    if not graph.query(Q.TAG_EXISTS, id=tag_id):
        raise ApiError(404, "not_found", f"no tag with id {tag_id!r}")
    changes = ops.history(graph, tag_id)
    end = query.offset + query.limit
    return {"id": tag_id, "items": changes[query.offset:end], "next_offset": end if len(changes) > end else None}
