"""Aggregated daily click rows of one video: search queries that led to it, and topic-tag clicks."""
from __future__ import annotations

import json
from math import log

from demo.library import Library
from demo.patterns import QUERY_MODIFIERS

BURST_FACTOR = 4  # click multiplier for a trending tag's videos during its burst weeks


class ClickMaker:
    """Builds click lines for a video; popularity is heavy-tailed, clicks fade after publishing."""

    def __init__(self, lib: Library, days: list[str], trending: dict[int, set[int]]):
        self.lib = lib
        self.days = days
        self.trending = trending  # tag -> weeks in which it bursts

    def lines(self, rand, vid: str, day0: int, core: list[int], related: list[int],
              distractors: list[int]) -> list[str]:
        """JSON lines of this video's clicks, one per (kind, query or tag, day), in first-seen order."""
        lib, days = self.lib, self.days
        n_days = len(days)
        gold = core + related
        hot = [t for t in gold if t in self.trending]
        agg: dict[tuple[str, str, int], int] = {}
        # Pareto(1.5) popularity: most videos get a few rows, a few get many
        n_rows = min(80, int(4.4 * (1.0 - rand()) ** (-1 / 1.5)))
        for _ in range(n_rows):
            day = day0 + int(-log(1.0 - rand()) * 6)
            if day >= n_days:
                continue
            count = 1 + int(-log(1.0 - rand()) * 1.5)
            week = day // 7
            if any(week in self.trending[t] for t in hot):
                count *= BURST_FACTOR
            if rand() < 0.25:
                tag = core[0] if rand() < 0.5 else gold[int(rand() * len(gold))]
                key = ("tag", lib.tag_id(tag), day)
            else:
                key = ("query", self._query(rand, core, related, distractors), day)
            agg[key] = agg.get(key, 0) + count
        return [_line(kind, what, vid, days[day], count) for (kind, what, day), count in agg.items()]

    def _query(self, rand, core: list[int], related: list[int], distractors: list[int]) -> str:
        """A search query built from the gold tags, sometimes with a modifier or a wrong tag."""
        lib = self.lib
        main = core[0]
        u = rand()
        if u < 0.33:
            return lib.names[main]
        if u < 0.43:
            variants = lib.aliases[main] + ((lib.typo[main],) if lib.typo[main] else ())
            return variants[int(rand() * len(variants))] if variants else lib.names[main]
        if u < 0.58 and lib.comps[main]:
            return " ".join(lib.names[c] for c in lib.comps[main])
        if u < 0.75:
            return lib.names[main] + " " + QUERY_MODIFIERS[int(rand() * len(QUERY_MODIFIERS))]
        if u < 0.95 and related:
            tag = related[int(rand() * len(related))]
            if rand() < 0.3:
                return lib.names[tag] + " " + QUERY_MODIFIERS[int(rand() * len(QUERY_MODIFIERS))]
            return lib.names[tag]
        if distractors:
            return lib.names[distractors[int(rand() * len(distractors))]]
        return lib.names[lib.popular_core(rand())]


def _line(kind: str, what: str, vid: str, day: str, count: int) -> str:
    if kind == "tag":
        return (f'{{"kind": "tag", "tag_id": "{what}", "video_id": "{vid}", "day": "{day}", '
                f'"count": {count}}}\n')
    return (f'{{"kind": "query", "query": {json.dumps(what, ensure_ascii=False)}, "video_id": "{vid}", '
            f'"day": "{day}", "count": {count}}}\n')
