"""Tagging results: a video's current tags and why a tag is on it.

This blueprint is the slot for the tagging pipeline's endpoints (compute tags for a stored video,
tag an ad-hoc payload, batch): add them here with @endpoint(bp, ..., role="tagger")."""
from flask import Blueprint

from api import views
from api.db import get_graph
from api.errors import ApiError
from api.schemas import VideoTagsOut, VideoTagsQuery, WhyOut
from api.spec import endpoint

bp = Blueprint("tagging", __name__, url_prefix="/v1")


@endpoint(bp, "/videos/<video_id>/tags", summary="A video's current tags (core first), with channels and evidence",
          query=VideoTagsQuery, response=VideoTagsOut)
def video_tags(video_id: str, query: VideoTagsQuery):
    out = views.video_tags(get_graph(), video_id, role=query.role, limit=query.limit, offset=query.offset)
    if out is None:
        raise ApiError(404, "not_found", f"no video with id {video_id!r}")
    return out


@endpoint(bp, "/videos/<video_id>/tags/<tag_id>/why", summary="Why a tag is on a video: channels and evidence",
          response=WhyOut)
def why(video_id: str, tag_id: str):
    out = views.why_tag(get_graph(), video_id, tag_id)
    if out is None:
        raise ApiError(404, "not_found", f"no video {video_id!r} or no tag {tag_id!r}")
    return out
