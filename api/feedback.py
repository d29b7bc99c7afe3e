"""Feedback: click events (search query or tag -> video) that flow back into the graph and training set."""
from collections import defaultdict

from flask import Blueprint

from api.db import get_graph
from api.errors import ApiError
from api.schemas import FeedbackIn, FeedbackOut
from api.spec import endpoint
from graph import queries as Q

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
    # One row per edge with its days, so a statement never reads an edge it wrote in the same batch.
    series: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in body.events:
        series[(e.kind, e.query or e.tag_id, e.video_id)][e.day.isoformat()] += e.count
    rows = {"query": [], "tag": []}
    for (kind, source, video_id), days in series.items():
        key = "query" if kind == "query" else "tag_id"
        rows[kind].append({key: source, "video_id": video_id, "days": list(days), "counts": list(days.values())})

    def work(tx):
        if rows["query"]:
            tx.run(Q.API_ADD_QUERY_CLICKS, rows=rows["query"]).consume()
        if rows["tag"]:
            tx.run(Q.API_ADD_TAG_CLICKS, rows=rows["tag"]).consume()

    graph.write(work)
    return {"stored": len(body.events), "edges": len(series)}
