"""Pydantic models of every input (query strings and bodies) and of the main responses (for OpenAPI)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints, model_validator

from graph.reads import RELATIONS
from loaders.models import ClickRow, Id, ProductRow, VideoRow

Status = Literal["candidate", "approved", "rejected", "merged"]
Kind = Literal["atomic", "phrase"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class In(BaseModel):
    # Unknown parameters are errors: a misspelt filter must not be ignored silently.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Paging(In):
    limit: Annotated[int, Field(ge=1, le=200)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


# --- query strings ---------------------------------------------------------------------------------

class TagSearchQuery(Paging):
    q: Text
    status: Status | None = None
    kind: Kind | None = None


class RelatedQuery(In):
    relation: Literal[RELATIONS] | None = None  # type: ignore[valid-type]
    limit: Annotated[int, Field(ge=1, le=100)] = 10
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


class TagVideosQuery(Paging):
    sort: Literal["relevance", "clicks", "recent"] = "relevance"


class VideoTagsQuery(Paging):
    role: Literal["core", "related"] | None = None


class CategoryTagsQuery(Paging):
    deep: bool = True
    status: Status | None = None


class TaxonomyQuery(In):
    root: Id | None = None


class SimilarQuery(In):
    limit: Annotated[int, Field(ge=1, le=100)] = 10
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


class CandidatesQuery(In):
    status: Status = "candidate"
    kind: Kind | None = None
    min_score: Annotated[float, Field(ge=-1e9, le=1e9, allow_inf_nan=False)] | None = None
    pipeline: Literal["autophrase", "pattern"] | None = None
    q: Text | None = None
    sort: Literal["score", "recent", "name"] = "score"
    limit: Annotated[int, Field(ge=1, le=500)] = 50
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


class AliasCandidatesQuery(In):
    status: Literal["candidate", "approved", "rejected"] = "candidate"
    tag_id: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 50
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


class ExportQuery(In):
    format: Literal["jsonl", "json", "csv", "ttl"] = "jsonl"
    status: Status | None = None


class ImportQuery(In):
    format: Literal["jsonl", "csv"] = "jsonl"


class UploadQuery(In):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^/\\\x00]+$")]
    ocr: bool = True
    tag: bool = True


# --- bodies -------------------------------------------------------------------------------------------

class ProductIn(In):
    """A product shown in a video (the one product model of the API): a stored video's products need an id,
    an ad-hoc payload's may leave it out."""

    id: Id | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    category: Annotated[str, StringConstraints(max_length=200)] = ""

    def row(self, video_id: str) -> ProductRow:
        return ProductRow(**self.model_dump(), video_ids=[video_id])


class QueryIn(In):
    query: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    count: Annotated[int, Field(ge=1)] = 1


class VideoIn(VideoRow):
    """A video's fields (the loader's VideoRow; the id comes from the path) and its products."""

    id: Id | None = None
    products: Annotated[list[ProductIn], Field(max_length=100)] = []

    @model_validator(mode="after")
    def _product_ids(self):
        if any(p.id is None for p in self.products):
            raise ValueError("products of a stored video need an id")
        return self

    def row(self, video_id: str) -> VideoRow:
        return VideoRow(**self.model_dump(exclude={"id", "products"}, exclude_none=True), id=video_id)


def _today() -> date:
    return datetime.now(timezone.utc).date()


class ClickEvent(ClickRow):
    """A click row; `day` defaults to today (UTC) for live feedback."""

    day: date = Field(default_factory=_today)


class FeedbackIn(In):
    events: Annotated[list[ClickEvent], Field(min_length=1, max_length=10_000)]


class CypherIn(In):
    query: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    params: Annotated[dict[str, Any], Field(max_length=100)] = {}
    limit: Annotated[int, Field(ge=1, le=100_000)] | None = None
    timeout_s: Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)] | None = None


# --- responses (documented; permissive about extra fields that later issues add) --------------------

class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class TagRef(Out):
    id: str
    name: str | None = None
    kind: str | None = None
    status: str | None = None


class TagHit(TagRef):
    aliases: list[str] | None = None
    score: float


class TagSearchPage(Out):
    items: list[TagHit]
    next_offset: int | None


class TagDetail(TagRef):
    aliases: list[str]
    taxonomy_path: list[str]
    taxonomy: list[dict[str, Any]]
    category: dict[str, Any] | None
    components: list[dict[str, Any]]
    head: dict[str, Any] | None
    dimensions: dict[str, Any]
    merged_into: dict[str, Any] | None
    tagged_videos: int
    clicked_videos: int


class Related(Out):
    tag: TagRef
    score: float | None
    evidence: dict[str, Any] | None


class RelatedPage(Out):
    items: list[Related]
    next_offset: int | None


class RelatedOut(Out):
    id: str
    relations: dict[str, RelatedPage]


class PathOut(Out):
    # "from" is a keyword in Python; the JSON key stays "from".
    from_: str = Field(alias="from")
    to: str
    path: dict[str, Any] | None
    explanation: str


class TagVideo(Out):
    video: dict[str, Any]
    score: float | None
    role: str | None
    clicks: int
    relevance: float


class TagVideosOut(Out):
    id: str
    items: list[TagVideo]
    next_offset: int | None


class VideoTag(Out):
    tag: TagRef
    score: float | None
    role: str | None
    source: str | None = None   # 'tagger' (the model); anything else is a human label (loaded source, 'curator')


class VideoTagsOut(Out):
    id: str
    items: list[VideoTag]
    next_offset: int | None


class WhyOut(Out):
    video: dict[str, Any]
    tag: TagRef
    tagged: bool
    has_tag: dict[str, Any] | None
    evidence: dict[str, Any]
    explanation: str


class SimilarVideo(Out):
    video: dict[str, Any]
    score: float | None
    evidence: dict[str, Any]


class SimilarVideosOut(Out):
    id: str
    method: Literal["gnn", "shared_tags"]
    items: list[SimilarVideo]
    next_offset: int | None


class VideoOut(Out):
    id: str
    title: str | None = None
    products: list[dict[str, Any]]
    tags: list[dict[str, Any]]


class CategoryOut(Out):
    id: str
    parent: str | None
    children: list[str]
    items: list[dict[str, Any]]
    next_offset: int | None


class TaxonomyNode(Out):
    id: str | None
    children: list["TaxonomyNode"]
    total: int


class CandidatesOut(Out):
    items: list[dict[str, Any]]
    next_offset: int | None


class ChangeOut(Out):
    id: str
    change: dict[str, Any]


class HistoryOut(Out):
    id: str
    items: list[dict[str, Any]]
    next_offset: int | None


class TagRows(RootModel[list[dict[str, Any]]]):
    """The library as a JSON array of rows in the loader's `tags` format."""


class IngestOut(Out):
    id: str | None
    ingested: bool
    skipped: bool
    rejects: list[dict[str, Any]]
    video: dict[str, Any] | None = None
    keyframes: list[dict[str, Any]] = []
    tags: dict[str, Any] | None = None


class KeyframesOut(Out):
    id: str
    keyframes: list[dict[str, Any]]
    near_duplicates: list[dict[str, Any]]


class LoadOut(Out):
    ok: bool
    rows: int
    stored: int
    rejected: int
    rejects: list[dict[str, Any]]


class FeedbackOut(Out):
    stored: int
    edges: int


class CypherOut(Out):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    truncated_by: Literal["rows", "bytes"] | None = None
    ms: float


class WhoAmI(Out):
    name: str
    role: str
    open_reads: bool
