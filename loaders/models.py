"""One pydantic model per input row kind; field limits guard the graph against oversized input."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from graph.labels import MACHINE_SOURCE

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128,
                                      pattern=r"^[^\s\x00-\x1f]+$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

MAX_VISUAL_DIM = 2048
# NaN and Infinity are refused in every vector: Neo4j stores them but JSON answers read them back as null,
# and one NaN poisons every similarity computed with the vector.
Vector = Annotated[list[Annotated[float, Field(allow_inf_nan=False)]], Field(min_length=1, max_length=MAX_VISUAL_DIM)]


class Row(BaseModel):
    # Unknown fields are an error: a typo in a column name must not lose that column silently.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _split_list(value):
    """CSV cells hold lists as '|'-separated text; JSON gives real lists."""
    if isinstance(value, str):
        return [v for v in (p.strip() for p in value.split("|")) if v]
    return value


class OcrLineRow(Row):
    text: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    box: Annotated[list[Annotated[list[int], Field(min_length=2, max_length=2)]], Field(min_length=4, max_length=4)]
    conf: Annotated[float, Field(ge=0, le=1)]


class KeyframeRow(Row):
    """One keyframe of a video: where it is, its pHash, thumbnail, OCR lines and ImageNet classes."""
    index: Annotated[int, Field(ge=0, le=1000)]
    t: Annotated[float, Field(ge=0, le=86_400)]
    cover: bool = False
    cut: Annotated[float, Field(ge=0, le=1)] = 0.0
    phash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
    thumb: Annotated[str, StringConstraints(max_length=500)] | None = None
    ocr: Annotated[list[OcrLineRow], Field(max_length=100)] = []
    classes: Annotated[list[tuple[Annotated[str, StringConstraints(max_length=100)],
                                  Annotated[float, Field(ge=0, le=1)]]], Field(max_length=10)] = []

    def props(self) -> dict:
        """Node properties: Neo4j holds no nested lists or maps, so OCR lines and classes are JSON text."""
        d = self.model_dump(exclude={"ocr", "classes"}, exclude_none=True)
        d["ocr_text"] = "\n".join(line.text for line in self.ocr)
        d["ocr"] = json.dumps([line.model_dump() for line in self.ocr], ensure_ascii=False)
        d["classes"] = json.dumps(self.classes, ensure_ascii=False)
        return d


class VideoRow(Row):
    id: Id
    title: Annotated[str, StringConstraints(max_length=500)]
    summary: Annotated[str, StringConstraints(max_length=5_000)] = ""
    asr: Annotated[str, StringConstraints(max_length=50_000)] = ""
    ocr: Annotated[str, StringConstraints(max_length=10_000)] = ""
    created_at: datetime | None = None
    author: Short | None = None
    duration_s: Annotated[int, Field(ge=0, le=86_400)] | None = None
    visual: Vector | None = None
    # media: a local file `tagkg load videos` reads with media/ (keyframes, OCR, subtitles, visual features)
    media: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = None
    media_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    visual_model: Short | None = None          # which model made `visual`; vectors of different models never meet
    visual_dim: Annotated[int, Field(ge=1, le=MAX_VISUAL_DIM)] | None = None
    width: Annotated[int, Field(ge=1, le=100_000)] | None = None
    height: Annotated[int, Field(ge=1, le=100_000)] | None = None
    codec: Annotated[str, StringConstraints(max_length=50)] | None = None
    keyframes: Annotated[list[KeyframeRow], Field(max_length=64)] | None = None

    @field_validator("visual", mode="before")
    @classmethod
    def _visual_csv(cls, v):
        if isinstance(v, str):
            return [float(x) for x in v.split("|")] if v.strip() else None
        return v

    @field_validator("created_at")
    @classmethod
    def _utc(cls, v: datetime | None):
        if v is not None and v.tzinfo is None:
            v = v.replace(tzinfo=timezone.utc)
        return v

    @model_validator(mode="after")
    def _visual_dim(self):
        if self.visual_dim is not None and self.visual is not None and self.visual_dim != len(self.visual):
            raise ValueError(f"visual_dim is {self.visual_dim} but visual has {len(self.visual)} values")
        return self

    def props(self) -> dict:
        """Properties stored on the :Video node (None values are not written; keyframes are nodes of their own)."""
        d = self.model_dump(exclude={"id", "keyframes"}, exclude_none=True)
        if self.created_at is not None:
            d["created_at"] = self.created_at.isoformat()
        return d


class ProductRow(Row):
    id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    category: Annotated[str, StringConstraints(max_length=200)] = ""
    video_ids: Annotated[list[Id], Field(max_length=10_000)] = []

    @field_validator("video_ids", mode="before")
    @classmethod
    def _lists(cls, v):
        return _split_list(v)


class ClickRow(Row):
    kind: Literal["query", "tag"]
    query: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    tag_id: Id | None = None
    video_id: Id
    day: date
    count: Annotated[int, Field(ge=1, le=10_000_000)] = 1

    @model_validator(mode="after")
    def _source(self):
        if self.kind == "query" and not self.query:
            raise ValueError("a query click needs the field 'query'")
        if self.kind == "tag" and not self.tag_id:
            raise ValueError("a tag click needs the field 'tag_id'")
        return self


class TagRow(Row):
    id: Id
    name: Name
    kind: Literal["atomic", "phrase"]
    status: Literal["candidate", "approved", "rejected", "merged"] = "approved"
    aliases: Annotated[list[Name], Field(max_length=100)] = []
    category: Id | None = None
    components: Annotated[list[Id], Field(max_length=20)] = []
    source: Annotated[str, StringConstraints(max_length=50)] = "import"

    @field_validator("aliases", "components", mode="before")
    @classmethod
    def _lists(cls, v):
        return _split_list(v)

    @field_validator("category", mode="before")
    @classmethod
    def _empty_category(cls, v):
        return v or None

    @model_validator(mode="after")
    def _structure(self):
        if self.kind == "atomic" and self.components:
            raise ValueError("an atomic tag cannot have components")
        return self




class LabelRow(Row):
    """A human label: this video has this tag. Exactly one of tag_id / tag_name names the tag."""

    video_id: Id
    tag_id: Id | None = None
    tag_name: Name | None = None
    role: Literal["core", "related"] = "core"
    source: Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[\w.:-]+$")] = "label"
    weight: Annotated[float, Field(gt=0, le=1)] = 1.0

    @field_validator("tag_id", "tag_name", mode="before")
    @classmethod
    def _empty(cls, v):
        return v or None  # an empty CSV cell means "not given"

    @field_validator("role", "source", mode="before")
    @classmethod
    def _default_when_empty(cls, v, info):
        if v is None or v == "":
            return cls.model_fields[info.field_name].default
        return v.strip().lower() if info.field_name == "role" and isinstance(v, str) else v

    @field_validator("weight", mode="before")
    @classmethod
    def _weight_empty(cls, v):
        return 1.0 if v is None or v == "" else v

    @field_validator("source")
    @classmethod
    def _not_machine(cls, v: str):
        if v == MACHINE_SOURCE:
            # a label stored as 'tagger' would be deleted by the next retag
            raise ValueError(f"source '{MACHINE_SOURCE}' is reserved for the tagger's own edges")
        return v

    @model_validator(mode="after")
    def _one_tag(self):
        if (self.tag_id is None) == (self.tag_name is None):
            raise ValueError("give exactly one of 'tag_id' and 'tag_name'")
        return self


MODELS: dict[str, type[Row]] = {"videos": VideoRow, "products": ProductRow, "clicks": ClickRow, "tags": TagRow,
                                "labels": LabelRow}
