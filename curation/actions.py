"""The table of curator actions: name, arguments, what they act on, role, function.

Both faces are made from it: the `tagkg candidates …` / `tagkg video-tags …` subcommands (tagkg/cli.py) and
the curation routes of the API (api/curation.py), so an action, its arguments and its checks cannot differ
between the two. Every action runs one audited transaction of curation/ops.py."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Callable, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from curation import ops
from loaders.models import Id, Name

Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Args(BaseModel):
    # Unknown arguments are errors: a misspelt option must not be ignored silently.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApproveIn(Args):
    reason: Reason | None = None


class RejectIn(Args):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class MergeIn(Args):
    into: Id
    reason: Reason | None = None


class UnmergeIn(Args):
    reason: Reason | None = None


class RenameIn(Args):
    name: Name
    keep_alias: bool = True


class AliasIn(Args):
    add: Name | None = None
    remove: Name | None = None


class AliasCandidateIn(Args):
    alias: Name
    reason: Reason | None = None


class RejectAliasIn(AliasCandidateIn):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ReclassifyIn(Args):
    category: Id
    reason: Reason | None = None


class VideoTagIn(Args):
    role: Literal["core", "related"] = "core"
    reason: Reason | None = None


class RemoveVideoTagIn(Args):
    reason: Reason | None = None


@dataclass(frozen=True)
class Action:
    """One curator action. `target` says what the ids name: a tag (POST /v1/tags/<tag_id>/<route>) or a video's
    tag (PUT or DELETE /v1/videos/<video_id>/tags/<tag_id>); `positional` are the argument fields the CLI takes
    as arguments after the ids (the others are options)."""

    name: str
    summary: str
    args: type[Args]
    run: Callable[..., dict]          # (graph, ids tuple, who, args) -> the change
    target: Literal["tag", "video_tag"] = "tag"
    method: str = "POST"
    route: str | None = None
    positional: tuple[str, ...] = ()
    role: str = "curator"

    @property
    def ids(self) -> tuple[str, ...]:
        return ("tag_id",) if self.target == "tag" else ("video_id", "tag_id")

    @property
    def rule(self) -> str:
        if self.target == "tag":
            return f"/tags/<tag_id>/{self.route or self.name}"
        return "/videos/<video_id>/tags/<tag_id>"


ACTIONS = (
    Action("approve", "Approve a candidate (or a rejected tag)", ApproveIn,
           lambda g, ids, who, a: ops.approve(g, *ids, who=who, reason=a.reason)),
    Action("reject", "Reject a candidate or an approved tag, with a reason", RejectIn,
           lambda g, ids, who, a: ops.reject(g, *ids, who=who, reason=a.reason)),
    Action("merge", "Merge this tag into another (edges move, a redirect stays)", MergeIn,
           lambda g, ids, who, a: ops.merge(g, *ids, a.into, who=who, reason=a.reason), positional=("into",)),
    Action("unmerge", "Undo the last merge of this tag", UnmergeIn,
           lambda g, ids, who, a: ops.unmerge(g, *ids, who=who, reason=a.reason)),
    Action("rename", "Rename a tag (the old name stays as an alias by default)", RenameIn,
           lambda g, ids, who, a: ops.rename(g, *ids, a.name, who=who, keep_alias=a.keep_alias),
           positional=("name",)),
    Action("alias", "Add and/or remove an alias", AliasIn,
           lambda g, ids, who, a: ops.alias(g, *ids, who=who, add=a.add, remove=a.remove), route="aliases"),
    Action("approve-alias", "Approve a mined alias candidate (a shortened name): the alias is added to the tag",
           AliasCandidateIn, lambda g, ids, who, a: ops.approve_alias(g, *ids, a.alias, who=who, reason=a.reason),
           route="alias-candidates/approve", positional=("alias",)),
    Action("reject-alias", "Reject a mined alias candidate, with a reason (it is not proposed again)", RejectAliasIn,
           lambda g, ids, who, a: ops.reject_alias(g, *ids, a.alias, who=who, reason=a.reason),
           route="alias-candidates/reject", positional=("alias",)),
    Action("reclassify", "Put an atomic tag into another taxonomy class", ReclassifyIn,
           lambda g, ids, who, a: ops.reclassify(g, *ids, a.category, who=who, reason=a.reason),
           positional=("category",)),
    Action("set", "Put an approved tag on a video by hand (a curator label every model reads)", VideoTagIn,
           lambda g, ids, who, a: ops.set_video_tag(g, *ids, who=who, role=a.role, reason=a.reason),
           target="video_tag", method="PUT"),
    Action("remove", "Take a tag off a video (the tagger will not put it back)", RemoveVideoTagIn,
           lambda g, ids, who, a: ops.remove_video_tag(g, *ids, who=who, reason=a.reason),
           target="video_tag", method="DELETE"),
)
