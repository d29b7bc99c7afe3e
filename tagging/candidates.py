"""A recall candidate and the merge of all channels' candidates per tag, provenance kept."""
from __future__ import annotations

from dataclasses import dataclass, field

CHANNELS = ("text", "product", "query", "crossmodal", "similar", "visual", "zeroshot", "neardup",
            "omikuji", "knn_text", "knn_vector")   # the last three: tagging/label_channel.py
MAX_EVIDENCE = 3  # evidence items kept per channel: enough to explain, small enough to store on an edge


@dataclass
class Candidate:
    """One channel's proposal of tag `row` with its raw score and evidence."""

    row: int
    channel: str
    score: float
    evidence: dict


@dataclass
class Merged:
    """All channels' votes for one tag: best raw score per channel and their evidence."""

    row: int
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def channels(self) -> list[str]:
        return [c for c in CHANNELS if c in self.scores]


def merge(candidates: list[Candidate]) -> dict[int, Merged]:
    """Group by tag row in first-seen order; a channel's score is its best candidate's."""
    out: dict[int, Merged] = {}
    for c in candidates:
        m = out.get(c.row)
        if m is None:
            m = out[c.row] = Merged(c.row)
        if c.score > m.scores.get(c.channel, float("-inf")):
            m.scores[c.channel] = c.score
        ev = m.evidence.setdefault(c.channel, [])
        if len(ev) < MAX_EVIDENCE:
            ev.append(c.evidence)
    return out
