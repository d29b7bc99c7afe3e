"""`tagkg explain VIDEO TAG`: the HAS_TAG edge's channels, scores and evidence plus the graph facts behind it."""
from __future__ import annotations

import json

from graph.reads import why_tag


def explain(graph, video_id: str, tag_id: str) -> dict | None:
    """why_tag with the edge's evidence decoded from its JSON string; None when the video or tag is unknown."""
    out = why_tag(graph, video_id, tag_id)
    if out is None:
        return None
    has = out.get("has_tag")
    if has and isinstance(has.get("evidence"), str):
        has["evidence"] = json.loads(has["evidence"])
        lines = [f"{c}: score {e['score']}, {json.dumps(e['items'][0], ensure_ascii=False)}"
                 for c, e in has["evidence"].items() if e.get("items")]
        out["channels_explained"] = lines
    return out
