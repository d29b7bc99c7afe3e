"""Videos: read one, upsert one (text, products, optional visual vector), similar videos."""
from flask import Blueprint, current_app

from gnn import embed as E
from graph import reads
from api.db import get_graph
from api.errors import found
from api.schemas import SimilarQuery, SimilarVideosOut, VideoIn, VideoOut
from api.spec import endpoint
from graph.cypher import load as Q

bp = Blueprint("videos", __name__, url_prefix="/v1")


@endpoint(bp, "/videos/<video_id>", summary="One video with its products and tags", response=VideoOut)
def get_video(video_id: str):
    return found(reads.video_detail(get_graph(), video_id), f"video with id {video_id!r}")


@endpoint(bp, "/videos/<video_id>", "PUT", summary="Create or update a video and attach its products",
          role="tagger", body=VideoIn, response=VideoOut)
def put_video(video_id: str, body: VideoIn):
    """Fields not given keep their stored values; products are merged and attached (never detached)."""
    video = body.row(video_id)
    # Only the fields the caller sent: the row's defaults must not blank stored values.
    props = {k: v for k, v in video.props().items() if k in body.model_fields_set}
    products = [p.row(video_id).model_dump() for p in body.products]

    def work(tx):
        # The loader's own statements, so an API upsert stores exactly what `tagkg load` would.
        tx.run(Q.MERGE_VIDEOS, rows=[{"id": video.id, "props": props}]).consume()
        if products:
            tx.run(Q.MERGE_PRODUCTS, rows=products).consume()

    graph = get_graph()
    graph.write(work)
    return reads.video_detail(graph, video_id)


@endpoint(bp, "/videos/<video_id>/similar",
          summary="Similar videos (nearest in the GNN space, else sharing tags and products)",
          query=SimilarQuery, response=SimilarVideosOut)
def similar(video_id: str, query: SimilarQuery):
    neighbours, model = None, None
    try:
        retriever = E.load_retriever(current_app.config["SETTINGS"])
        neighbours, model = retriever.similar_videos(video_id, query.offset + query.limit + 1), retriever.version
    except FileNotFoundError:   # no model trained yet
        pass
    return found(reads.similar_videos(get_graph(), video_id, neighbours, model, limit=query.limit, offset=query.offset),
                 f"video with id {video_id!r}")
