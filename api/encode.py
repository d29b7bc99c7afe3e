"""JSON for Neo4j values: temporal values as ISO 8601, nodes, relationships and paths as plain objects."""
from __future__ import annotations

import math

from flask.json.provider import DefaultJSONProvider
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point


def plain(value):
    """A JSON-ready copy of any value a Cypher query can return."""
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # JSON has no NaN or Infinity
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Node):
        return {"element_id": value.element_id, "labels": sorted(value.labels), "properties": plain(dict(value))}
    if isinstance(value, Relationship):
        return {"element_id": value.element_id, "type": value.type, "start": value.start_node.element_id,
                "end": value.end_node.element_id, "properties": plain(dict(value))}
    if isinstance(value, Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if hasattr(value, "iso_format"):  # neo4j.time Date, Time, DateTime, Duration
        return value.iso_format()
    return str(value)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with UTF-8 text kept readable and Neo4j values understood."""

    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o):
        return plain(o)
