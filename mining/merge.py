"""Merge the pipelines' proposals into one deduplicated, scored candidate list."""
from __future__ import annotations

import hashlib
from typing import Iterable

from mining.library import Library
from text.normalize import normalize, tag_key

# Evidence both pipelines read off the same n-gram; kept once at the top of a candidate's evidence.
SHARED = ("count", "doc_freq", "contexts", "recent", "baseline", "burst_ratio", "burst_z", "hot", "weekly", "peak")


def candidate_id(key: str) -> str:
    """Stable id of a candidate, from its dedupe key: the same tag gets the same id every week."""
    return "c_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def merge(proposals: dict[str, list[dict]], lib: Library) -> list[dict]:
    """One candidate per key, dropping existing tags and aliases; best first.

    `proposals`: pipeline name -> its candidates ({name, components, score in 0..1, evidence}).
    A candidate found by several pipelines scores 1 - prod(1 - score): agreement of two independent
    kinds of evidence (corpus statistics, a known construction pattern) raises confidence.
    """
    merged: dict[str, dict] = {}
    for pipeline, cands in proposals.items():
        for c in cands:
            key = tag_key(c["name"])
            if not key or key in lib.keys:
                continue
            m = merged.setdefault(key, {"id": candidate_id(key), "key": key, "name": normalize(c["name"]),
                                        "components": [], "pipelines": [], "scores": {},
                                        "evidence": {k: c["evidence"][k] for k in SHARED if k in c["evidence"]}})
            if len(c.get("components") or []) > len(m["components"]):
                m["components"] = list(c["components"])
            m["pipelines"].append(pipeline)
            m["scores"][pipeline] = c["score"]
            m["evidence"][pipeline] = {k: v for k, v in c["evidence"].items() if k not in SHARED}
    out = []
    for m in merged.values():
        miss = 1.0
        for s in m["scores"].values():
            miss *= 1.0 - s
        m["score"] = round(1.0 - miss, 6)
        # a pattern of several slots ([place.city]旅行vlog) builds a phrase even around one atomic tag
        multi_slot = m["evidence"].get("pattern", {}).get("pattern_slots", 0) >= 2
        m["kind"] = "phrase" if len(m["components"]) >= 2 or multi_slot else "atomic"
        out.append(m)
    # Equal scores are broken by how often the candidate occurs: the curator sees the commoner one first.
    out.sort(key=lambda m: (-m["score"], -m["evidence"].get("count", 0), m["key"]))
    return out


def new_only(candidates: Iterable[dict], previously_proposed_keys: Iterable[str]) -> list[dict]:
    """Candidates not proposed in an earlier run (a weekly rerun shows reviewers only what is new)."""
    seen = set(previously_proposed_keys)
    return [c for c in candidates if c["key"] not in seen]
