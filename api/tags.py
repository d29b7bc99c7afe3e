"""Tags: search, detail, related tags by relation, paths between tags, videos of a tag."""
from flask import Blueprint

from graph import reads
from api.db import get_graph
from api.errors import found
from api.schemas import (RelatedOut, RelatedQuery, PathOut, TagDetail, TagSearchPage, TagSearchQuery,
                         TagVideosOut, TagVideosQuery)
from api.spec import endpoint

bp = Blueprint("tags", __name__, url_prefix="/v1")


@endpoint(bp, "/tags", summary="Search tags by name or alias", query=TagSearchQuery, response=TagSearchPage)
def search_tags(query: TagSearchQuery):
    """Prefix and exact matches first, then full-text matches over names and aliases."""
    return reads.search_tags(get_graph(), query.q, status=query.status, kind=query.kind,
                             limit=query.limit, offset=query.offset)


@endpoint(bp, "/tags/<tag_id>", summary="One tag: kind, status, taxonomy path, components, head, aliases, dimensions",
          response=TagDetail)
def get_tag(tag_id: str):
    return found(reads.tag_detail(get_graph(), tag_id), f"tag with id {tag_id!r}")


@endpoint(bp, "/tags/<tag_id>/related", summary="Related tags, grouped and labelled by relation",
          query=RelatedQuery, response=RelatedOut)
def related_tags(tag_id: str, query: RelatedQuery):
    """Relations: cooccurrence (same videos), similar (SIMILAR_TO), shared_component, component, used_in,
    broader and narrower (BROADER); each group is paged with limit/offset."""
    rels = (query.relation,) if query.relation else reads.RELATIONS
    return found(reads.related_tags(get_graph(), tag_id, rels, limit=query.limit, offset=query.offset),
                 f"tag with id {tag_id!r}")


@endpoint(bp, "/tags/<tag_id>/path/<other_id>", summary="The shortest path between two tags, explained",
          response=PathOut)
def tag_path(tag_id: str, other_id: str):
    return found(reads.tag_path(get_graph(), tag_id, other_id), f"tag with id {tag_id!r} or {other_id!r}")


@endpoint(bp, "/tags/<tag_id>/videos", summary="Videos of a tag, ranked for topic selection",
          query=TagVideosQuery, response=TagVideosOut)
def tag_videos(tag_id: str, query: TagVideosQuery):
    return found(reads.tag_videos(get_graph(), tag_id, sort=query.sort, limit=query.limit, offset=query.offset),
                 f"tag with id {tag_id!r}")
