"""Tags: read one tag with its taxonomy path and components."""
from flask import Blueprint, abort, jsonify

from api.db import get_graph
from api.views import tag_detail

bp = Blueprint("tags", __name__, url_prefix="/v1")


@bp.get("/tags/<tag_id>")
def get_tag(tag_id: str):
    tag = tag_detail(get_graph(), tag_id)
    if tag is None:
        abort(404, description=f"no tag with id {tag_id!r}")
    return jsonify(tag)
