"""Taxonomy: the class tree and the tags of a class."""
from flask import Blueprint

from graph import reads
from api.db import get_graph
from api.errors import found
from api.schemas import CategoryOut, CategoryTagsQuery, TaxonomyNode, TaxonomyQuery
from api.spec import endpoint

bp = Blueprint("taxonomy", __name__, url_prefix="/v1")


@endpoint(bp, "/taxonomy", summary="The taxonomy tree with tag counts per class", query=TaxonomyQuery,
          response=TaxonomyNode)
def tree(query: TaxonomyQuery):
    return found(reads.taxonomy_tree(get_graph(), query.root), f"taxonomy class {query.root!r}")


@endpoint(bp, "/taxonomy/<category_id>/tags", summary="A taxonomy class and a page of its tags",
          query=CategoryTagsQuery, response=CategoryOut)
def category_tags(category_id: str, query: CategoryTagsQuery):
    return found(reads.category_tags(get_graph(), category_id, deep=query.deep, status=query.status,
                              limit=query.limit, offset=query.offset), f"taxonomy class {category_id!r}")
