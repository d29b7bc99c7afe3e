"""Tagging: a video's current tags and why a tag is on it; computing tags (stored video, ad-hoc payload, batch)."""
import threading
from typing import Annotated

from flask import Blueprint, current_app
from pydantic import BaseModel, ConfigDict, Field

from graph import reads
from api.db import get_graph, get_model_graph
from api.errors import found
from api.schemas import ProductIn, QueryIn, VideoTagsOut, VideoTagsQuery, WhyOut
from api.spec import endpoint
from loaders.models import Id, VideoRow

bp = Blueprint("tagging", __name__, url_prefix="/v1")


@endpoint(bp, "/videos/<video_id>/tags", summary="A video's current tags (core first), with channels and evidence",
          query=VideoTagsQuery, response=VideoTagsOut)
def video_tags(video_id: str, query: VideoTagsQuery):
    return found(reads.video_tags(get_graph(), video_id, role=query.role, limit=query.limit, offset=query.offset),
                 f"video with id {video_id!r}")


@endpoint(bp, "/videos/<video_id>/tags/<tag_id>/why", summary="Why a tag is on a video: channels and evidence",
          response=WhyOut)
def why(video_id: str, tag_id: str):
    return found(reads.why_tag(get_graph(), video_id, tag_id), f"video {video_id!r} or no tag {tag_id!r}")


# --- computing tags (recall + rank) -----------------------------------------------------------------
MAX_BATCH = 500


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ComputeBody(_Body):
    persist: bool = False


class RankQuery(_Body):
    """Ask for `ranked` as well: the best top_k recalled candidates with their scores, kept or not."""

    top_k: Annotated[int, Field(ge=0, le=500)] = 0
    min_score: float | None = None


class VideoPayload(VideoRow):
    """An ad-hoc video: the loader's VideoRow (the same fields and limits; the id optional), the products
    shown and the search queries that led to it."""

    id: Id | None = None
    products: Annotated[list[ProductIn], Field(max_length=100)] = []
    queries: Annotated[list[QueryIn], Field(max_length=200)] = []


class BatchBody(_Body):
    video_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_BATCH)] = []
    videos: Annotated[list[VideoPayload], Field(max_length=MAX_BATCH)] = []
    persist: bool = False


class TagOut(BaseModel):
    tag: str
    name: str
    score: float
    core_score: float
    channels: list[str]
    evidence: dict


class RankedOut(BaseModel):
    tag: str
    name: str
    score: float
    kept: bool
    channels: list[str]


class TaggedOut(BaseModel):
    video: str | None
    model: str
    core: list[TagOut]
    related: list[TagOut]
    ranked: list[RankedOut] | None = None


class BatchOut(BaseModel):
    items: list[TaggedOut]
    missing: list[str]


def _tagger():
    from tagging.tagger import get_tagger

    return get_tagger(get_model_graph(), current_app.config["SETTINGS"])


LAZY = "loaded on first call"   # tagger state of an app that nobody warmed (tests, embedded use)


def warm(app) -> threading.Thread:
    """Load the tagger (library automaton, indexes, ranker) in the background, so the first call is fast."""
    state = app.extensions["tagkg.tagger"]

    def run():
        with app.app_context():
            try:
                _tagger()
                state["status"] = "loaded"
            except Exception as e:   # reported by /healthz; calls retry the load themselves
                state["status"] = f"load failed: {type(e).__name__}: {e}"

    state["status"] = "loading"
    thread = threading.Thread(target=run, name="tagger-warm", daemon=True)
    thread.start()
    return thread


@bp.record_once
def _register_health(state) -> None:
    """Health reports the tagger's load state and which ranking model tags are computed with.

    Before the first `tagkg rank-train` tagging still answers, with recall-only scores, so that is
    reported as healthy with the mode in the detail rather than as an outage. While `warm` loads the
    tagger health is not ok, so a load balancer holds traffic back until calls are fast."""
    tagger = state.app.extensions.setdefault("tagkg.tagger", {"status": LAZY})

    def check():
        from tagging.tagger import latest_rank_version

        version = latest_rank_version(state.app.config["SETTINGS"])
        status = tagger["status"]
        return status in ("loaded", LAZY), {
            "rank_model": version or "none: recall-only scores", "tagger": status}

    state.app.extensions["tagkg.health"]["tagging"] = check


@endpoint(bp, "/videos/<video_id>/tags/compute", "POST", role="tagger", body=ComputeBody, response=TaggedOut,
          query=RankQuery, summary="Compute a stored video's tags now (recall + rank); persist=true also writes HAS_TAG")
def compute_tags(video_id: str, body: ComputeBody, query: RankQuery):
    from tagging import store
    from tagging.tagger import tag_stored

    if query.top_k:   # a call of its own: the batcher shares one pass among calls that ask the same
        rows = tag_stored(get_graph(), current_app.config["SETTINGS"], [video_id], persist=False, tagger=_tagger(),
                          top_k=query.top_k, min_score=query.min_score)
        out = found(rows[0] if rows else None, f"video with id {video_id!r}")
    else:
        out = found(_compute_batcher().submit(video_id), f"video with id {video_id!r}")
    if body.persist:
        store.write_tags(get_graph(), [out], out["model"])
    return out


_batcher_lock = threading.Lock()


def _compute_batcher():
    """The app's Batcher of compute calls: concurrent requests share one recall + rank pass."""
    from tagging.batcher import Batcher

    app = current_app._get_current_object()
    with _batcher_lock:
        if "tagkg.compute" not in app.extensions:
            app.extensions["tagkg.compute"] = Batcher(lambda ids: _compute_many(app, ids), name="compute-batcher")
        return app.extensions["tagkg.compute"]


def _compute_many(app, ids: list[str]) -> list[dict | None]:
    """Tags of stored videos (None for unknown ids), in the order of ids, without persisting."""
    from tagging.tagger import tag_stored

    with app.app_context():
        out = tag_stored(get_graph(), app.config["SETTINGS"], list(dict.fromkeys(ids)), persist=False,
                         tagger=_tagger())
    by_id = {r["video"]: r for r in out}
    return [by_id.get(i) for i in ids]


@endpoint(bp, "/tagging/tag", "POST", role="tagger", body=VideoPayload, query=RankQuery, response=TaggedOut,
          summary="Tag an ad-hoc video payload without storing it")
def tag_payload(body: VideoPayload, query: RankQuery):
    from tagging.tagger import tag_payloads

    return tag_payloads(get_graph(), current_app.config["SETTINGS"], [body.model_dump()], tagger=_tagger(),
                        top_k=query.top_k, min_score=query.min_score)[0]


@endpoint(bp, "/tagging/batch", "POST", role="tagger", body=BatchBody, query=RankQuery, response=BatchOut,
          summary="Tag many stored videos (video_ids, optionally persisted) and/or ad-hoc payloads in one call")
def tag_batch(body: BatchBody, query: RankQuery):
    from tagging.tagger import tag_payloads, tag_stored

    graph, settings, tagger = get_graph(), current_app.config["SETTINGS"], _tagger()
    rank = {"top_k": query.top_k, "min_score": query.min_score}
    items = (tag_stored(graph, settings, body.video_ids, persist=body.persist, tagger=tagger, **rank)
             if body.video_ids else [])
    stored = {r["video"] for r in items}
    if body.videos:
        items += tag_payloads(graph, settings, [v.model_dump() for v in body.videos], tagger=tagger, **rank)
    return {"items": items, "missing": [v for v in body.video_ids if v not in stored]}
