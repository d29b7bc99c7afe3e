"""The media read model: a video's keyframes (time, thumbnail, OCR lines, classes) and near duplicates,
as plain dicts for the API, the curator page and the CLI."""
from __future__ import annotations

import json

from graph.cypher import media as Q


def keyframes(graph, video_id: str) -> list[dict]:
    """Keyframes in time order; `thumb` is the API path of the JPEG thumbnail."""
    out = []
    for r in graph.query(Q.VIDEO_KEYFRAMES, id=video_id):
        k = dict(r["k"])
        k["ocr"] = json.loads(k.get("ocr") or "[]")
        k["classes"] = json.loads(k.get("classes") or "[]")
        k["thumb"] = f"/v1/videos/{video_id}/keyframes/{k['index']}.jpg" if k.get("thumb") else None
        out.append(k)
    return out


def near_duplicates(graph, video_id: str) -> list[dict]:
    return graph.query(Q.VIDEO_NEAR_DUPLICATES, id=video_id)
