"""Videos: read one video with its products and tags."""
from flask import Blueprint, abort, jsonify

from api.db import get_graph
from api.views import graph_stats, video_detail

bp = Blueprint("videos", __name__, url_prefix="/v1")


@bp.get("/videos/<video_id>")
def get_video(video_id: str):
    video = video_detail(get_graph(), video_id)
    if video is None:
        abort(404, description=f"no video with id {video_id!r}")
    return jsonify(video)


@bp.get("/stats")
def stats():
    return jsonify(graph_stats(get_graph()))
