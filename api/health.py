"""Liveness: is Neo4j reachable."""
from flask import Blueprint, jsonify

from api.db import get_graph

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        get_graph().query("RETURN 1 AS ok")
    except Exception as exc:  # any driver failure means 'not ready'
        return jsonify(status="unavailable", neo4j=str(exc)[:200]), 503, {"Retry-After": "5"}
    return jsonify(status="ok", neo4j="reachable")
