"""Videos: read one, upsert one (text, products, optional visual vector), ingest an uploaded file, similar videos."""
import json
import shutil
import uuid
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, send_from_directory

from gnn import embed as E
from graph import reads
from api.auth import authorize
from api.db import get_graph
from api.errors import ApiError, found
from api.schemas import IngestOut, KeyframesOut, SimilarQuery, SimilarVideosOut, UploadQuery, VideoIn, VideoOut
from api.spec import _ID, endpoint
from graph.cypher import load as Q
from media import reads as media_reads

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


UPLOAD_TYPES = ("video/mp4", "video/quicktime", "video/x-matroska", "video/webm", "image/jpeg", "image/png",
                "application/octet-stream")


@endpoint(bp, "/videos", "POST", summary="Ingest an uploaded video file: keyframes, OCR, subtitles, visual features",
          role="tagger", query=UploadQuery, raw_body=UPLOAD_TYPES, response=IngestOut, status=201)
def post_video(query: UploadQuery):
    """The body is the file itself (streamed to disk, at most TAGKG_API_MAX_UPLOAD_BYTES); `filename` gives its
    type. 201 with the new video, its keyframes and (tag=true) its tags; 200 when the same content is already
    stored; 422 with the stage and reason when the file is rejected (nothing is stored then)."""
    from media.ingest import content_hash, discover, ingest     # torch and the OCR engine: loaded on first upload
    from tagging.tagger import tag_stored

    settings = current_app.config["SETTINGS"]
    request.max_content_length = settings.api_max_upload_bytes
    folder = Path(settings.data_dir) / "media" / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / query.filename
    try:
        with path.open("wb") as f:
            while chunk := request.stream.read(1 << 20):
                f.write(chunk)
        items, _ = discover([path])
        video_id = content_hash(items[0])[0] if items else None
        graph = get_graph()
        report = ingest(graph, settings, [path], use_ocr=query.ocr, progress=False, rejects_path=folder / "rejects.jsonl")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not report.ok:
        with open(report.rejects_path, encoding="utf-8") as f:
            rejects = [json.loads(line) for line in f]
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(422, "rejected", f"{query.filename}: {rejects[0]['stage']}: {rejects[0]['reason']}",
                       {"rejects": rejects})
    if report.skipped:            # the same content is stored already: keep no second copy of the file
        shutil.rmtree(folder, ignore_errors=True)
    tags = tag_stored(graph, settings, [video_id])[0] if query.tag else None
    out = {"id": video_id, "ingested": bool(report.ids), "skipped": bool(report.skipped), "rejects": [],
           "video": reads.video_detail(graph, video_id), "keyframes": media_reads.keyframes(graph, video_id),
           "tags": tags}
    resp = jsonify(out)
    resp.status_code = 201 if report.ids else 200
    return resp


@endpoint(bp, "/videos/<video_id>/keyframes", summary="A video's keyframes (time, thumbnail, OCR lines, classes) "
          "and near-duplicate videos", response=KeyframesOut)
def get_keyframes(video_id: str):
    graph = get_graph()
    found(reads.video_detail(graph, video_id), f"video with id {video_id!r}")
    return {"id": video_id, "keyframes": media_reads.keyframes(graph, video_id),
            "near_duplicates": media_reads.near_duplicates(graph, video_id)}


@bp.get("/videos/<video_id>/keyframes/<int:index>.jpg")
def keyframe_thumb(video_id: str, index: int):
    """A keyframe's JPEG thumbnail (data_dir/media/thumbs); reads may be open, like every GET."""
    authorize("reader", True)
    video_id = _ID.validate_python(video_id)
    folder = Path(current_app.config["SETTINGS"].data_dir) / "media" / "thumbs" / video_id
    return send_from_directory(folder, f"{index}.jpg", mimetype="image/jpeg", max_age=3600)


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
