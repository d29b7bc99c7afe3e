"""Taxonomy: the class tree and the tags of a class."""
from flask import Blueprint

from api import views
from api.db import get_graph
from api.errors import ApiError
from api.schemas import CategoryOut, CategoryTagsQuery, TaxonomyNode, TaxonomyQuery
from api.spec import endpoint

bp = Blueprint("taxonomy", __name__, url_prefix="/v1")


@endpoint(bp, "/taxonomy", summary="The taxonomy tree with tag counts per class", query=TaxonomyQuery,
          response=TaxonomyNode)
def tree(query: TaxonomyQuery):
    out = views.taxonomy_tree(get_graph(), query.root)
    if out is None:
        raise ApiError(404, "not_found", f"no taxonomy class {query.root!r}")
    return out


@endpoint(bp, "/taxonomy/<category_id>/tags", summary="A taxonomy class and a page of its tags",
          query=CategoryTagsQuery, response=CategoryOut)
def category_tags(category_id: str, query: CategoryTagsQuery):
    out = views.category_tags(get_graph(), category_id, deep=query.deep, status=query.status,
                              limit=query.limit, offset=query.offset)
    if out is None:
        raise ApiError(404, "not_found", f"no taxonomy class {category_id!r}")
    return out
