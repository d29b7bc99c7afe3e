"""Tags: search, detail, related tags by relation, paths between tags, videos of a tag."""
from flask import Blueprint

from api import views
from api.db import get_graph
from api.errors import ApiError
from api.schemas import (RelatedOut, RelatedQuery, PathOut, TagDetail, TagSearchPage, TagSearchQuery,
                         TagVideosOut, TagVideosQuery)
from api.spec import endpoint

bp = Blueprint("tags", __name__, url_prefix="/v1")


def _missing(tag_id: str) -> ApiError:
    return ApiError(404, "not_found", f"no tag with id {tag_id!r}")


@endpoint(bp, "/tags", summary="Search tags by name or alias", query=TagSearchQuery, response=TagSearchPage)
def search_tags(query: TagSearchQuery):
    """Prefix and exact matches first, then full-text matches over names and aliases."""
    return views.search_tags(get_graph(), query.q, status=query.status, kind=query.kind,
                             limit=query.limit, offset=query.offset)


@endpoint(bp, "/tags/<tag_id>", summary="One tag: kind, status, taxonomy path, components, head, aliases, dimensions",
          response=TagDetail)
def get_tag(tag_id: str):
    tag = views.tag_detail(get_graph(), tag_id)
    if tag is None:
        raise _missing(tag_id)
    return tag


@endpoint(bp, "/tags/<tag_id>/related", summary="Related tags, grouped and labelled by relation",
          query=RelatedQuery, response=RelatedOut)
def related_tags(tag_id: str, query: RelatedQuery):
    """Relations: cooccurrence (same videos), similar (SIMILAR_TO), shared_component, component, used_in,
    broader and narrower (BROADER); each group is paged with limit/offset."""
    rels = (query.relation,) if query.relation else views.RELATIONS
    out = views.related_tags(get_graph(), tag_id, rels, limit=query.limit, offset=query.offset)
    if out is None:
        raise _missing(tag_id)
    return out


@endpoint(bp, "/tags/<tag_id>/path/<other_id>", summary="The shortest path between two tags, explained",
          response=PathOut)
def tag_path(tag_id: str, other_id: str):
    out = views.tag_path(get_graph(), tag_id, other_id)
    if out is None:
        raise ApiError(404, "not_found", f"no tag with id {tag_id!r} or {other_id!r}")
    return out


@endpoint(bp, "/tags/<tag_id>/videos", summary="Videos of a tag, ranked for topic selection",
          query=TagVideosQuery, response=TagVideosOut)
def tag_videos(tag_id: str, query: TagVideosQuery):
    out = views.tag_videos(get_graph(), tag_id, sort=query.sort, limit=query.limit, offset=query.offset)
    if out is None:
        raise _missing(tag_id)
    return out
