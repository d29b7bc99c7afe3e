"""Products attached to videos: shop-style titles built from the video's object tags.

A product stays open for a window of later videos, so the same item can hang under several
videos (same-style items); it is written once the window closes, so ids stay in order.
"""
from __future__ import annotations

import json
from collections import deque

from demo.library import Library
from demo.patterns import DOMAINS, MARKETING, MARKETING_WEAR

WINDOW = 400  # videos during which a product can be attached again
_ATTRIBUTES = ("object.attribute.color", "object.attribute.style", "object.attribute.material")


class ProductMaker:
    """Creates and re-attaches products; `attach` returns nothing, `flush` writes closed products."""

    def __init__(self, lib: Library, category_path: dict[str, str], out, id_width: int):
        self.lib = lib
        self.path = category_path
        self.out = out
        self.width = id_width
        self.open: deque = deque()               # [closes_at, record], oldest first
        self.by_domain: dict[str, deque] = {}    # recent open records per domain
        self.count = 0

    def attach(self, rand, vidx: int, vid: str, domain: str, gold: list[int]) -> int:
        """Give about half of the videos 1-3 products; returns how many were attached."""
        self._close(vidx)
        if rand() >= 0.5:
            return 0
        n = 1 + (rand() < 0.35) + (rand() < 0.12)
        recent = self.by_domain.setdefault(domain, deque(maxlen=30))
        for _ in range(n):
            if recent and rand() < 0.25:
                record = recent[int(rand() * len(recent))]
                if vid not in record["video_ids"]:
                    record["video_ids"].append(vid)
                continue
            record = self._new(rand, vid, domain, gold)
            self.open.append((vidx + WINDOW, record))
            recent.append(record)
        return n

    def flush(self) -> None:
        """Write every product still open (call once at the end)."""
        self._close(None)

    def _close(self, vidx: int | None) -> None:
        while self.open and (vidx is None or self.open[0][0] <= vidx):
            _, record = self.open.popleft()
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _new(self, rand, vid: str, domain: str, gold: list[int]) -> dict:
        lib = self.lib
        pick = lambda seq: seq[int(rand() * len(seq))]  # noqa: E731
        atoms = [c for g in gold for c in (lib.comps[g] or (g,))]
        leaves = DOMAINS[domain].products
        objects = [a for a in atoms if lib.leaf[a] in leaves]
        item = pick(objects) if objects else _skewed(lib.by_leaf[pick(leaves)], rand)
        brands = [a for a in atoms if (lib.leaf[a] or "").startswith("org.brand")]
        attrs = [lib.names[a] for a in atoms if lib.leaf[a] in _ATTRIBUTES]
        pool = MARKETING + MARKETING_WEAR if lib.leaf[item].startswith("object.clothing") else MARKETING
        words = [pick(pool) for _ in range(2 + int(rand() * 3))]
        parts = ([lib.names[brands[0]]] if brands else []) + words[:1] + attrs + [lib.names[item]] + words[1:]
        self.count += 1
        return {"id": f"p{self.count:0{self.width}d}", "title": pick(("", " ")).join(dict.fromkeys(parts)),
                "category": f"{self.path[lib.leaf[item]]}>{lib.names[item]}", "video_ids": [vid]}


def _skewed(tags: list[int], rand) -> int:
    return tags[int(len(tags) * rand() ** 2)]
