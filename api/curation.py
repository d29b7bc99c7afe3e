"""Curator actions on the tag library and on videos' tags, one route per row of curation/actions.py; each is
audited under the API key's name."""
from flask import Blueprint, g

from api.db import get_graph
from api.errors import found
from api.schemas import AliasCandidatesQuery, CandidatesOut, CandidatesQuery, ChangeOut, HistoryOut, Paging
from api.spec import endpoint
from curation import ops
from curation.actions import ACTIONS, Action
from graph.cypher import reads as Q

bp = Blueprint("curation", __name__, url_prefix="/v1")


def _who() -> str:
    # The audit trail names the API key's owner, never a name the caller could type in.
    return g.principal.name


@endpoint(bp, "/candidates", summary="The review queue: tags of a status, filtered, sorted and paged",
          query=CandidatesQuery, response=CandidatesOut)
def candidates(query: CandidatesQuery):
    return ops.list_candidates(get_graph(), **query.model_dump())


@endpoint(bp, "/alias-candidates", summary="Mined alias candidates (shortened names of tags), best first, paged",
          query=AliasCandidatesQuery, response=CandidatesOut)
def alias_candidates(query: AliasCandidatesQuery):
    return ops.list_alias_candidates(get_graph(), **query.model_dump())


def _route(action: Action) -> None:
    def view(body, **ids):
        return action.run(get_graph(), tuple(ids[k] for k in action.ids), _who(), body)

    name = action.name.replace("-", "_")
    view.__name__ = name if action.target == "tag" else f"{name}_video_tag"
    view.__doc__ = action.summary
    endpoint(bp, action.rule, action.method, summary=action.summary, role=action.role, body=action.args,
             response=ChangeOut)(view)


for _action in ACTIONS:
    _route(_action)


@endpoint(bp, "/tags/<tag_id>/history", summary="The audit trail of a tag, newest first", query=Paging,
          response=HistoryOut)
def history(tag_id: str, query: Paging):
    graph = get_graph()
    found(graph.query(Q.TAG_EXISTS, id=tag_id) or None, f"tag with id {tag_id!r}")
    changes = ops.history(graph, tag_id)
    end = query.offset + query.limit
    return {"id": tag_id, "items": changes[query.offset:end], "next_offset": end if len(changes) > end else None}
