"""Feedback: click events (search query or tag -> video) that flow back into the graph and training set."""
from flask import Blueprint

from api.db import get_graph
from api.errors import ApiError
from api.schemas import FeedbackIn, FeedbackOut
from api.spec import endpoint
from graph.cypher import load as Q
from loaders.load import click_series_rows, write_click_series

bp = Blueprint("feedback", __name__, url_prefix="/v1")


@endpoint(bp, "/feedback/clicks", "POST", summary="Record click events; each adds to its day's count",
          role="tagger", body=FeedbackIn, response=FeedbackOut)
def clicks(body: FeedbackIn):
    """All or nothing: events naming an unknown video or tag reject the whole request with 422."""
    graph = get_graph()
    videos = {e.video_id for e in body.events}
    tags = {e.tag_id for e in body.events if e.kind == "tag"}
    unknown_videos = videos - set(graph.query(Q.EXISTING_VIDEOS, ids=sorted(videos))[0]["found"])
    unknown_tags = tags - set(graph.query(Q.EXISTING_TAGS, ids=sorted(tags))[0]["found"]) if tags else set()
    if unknown_videos or unknown_tags:
        raise ApiError(422, "invalid", "events name unknown videos or tags",
                       {"unknown_videos": sorted(unknown_videos)[:50], "unknown_tags": sorted(unknown_tags)[:50]})
    rows = click_series_rows(body.events, add=True)
    graph.write(write_click_series, rows, True)
    return {"stored": len(body.events), "edges": len(rows["query"]) + len(rows["tag"])}
