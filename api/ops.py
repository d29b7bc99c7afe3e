"""Operability: request ids, structured access logs, Prometheus metrics, health, stats, whoami."""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from graph import reads
from api.auth import known_caller
from api.db import get_graph
from api.errors import RETRY_AFTER_S
from api.schemas import WhoAmI
from api.spec import endpoint
from graph.cypher import schema as Q

bp = Blueprint("ops", __name__)
log = logging.getLogger("tagkg.api")
_REQUEST_ID = re.compile(r"^[\w.-]{1,64}$")
# Indexes the reasoning queries rely on; health is degraded until they are ONLINE.
REQUIRED_INDEXES = ("tag_id", "tag_name", "tag_search", "video_id", "category_id")


class JsonLines(logging.Formatter):
    """One JSON object per record; request fields come from `extra`."""

    FIELDS = ("request_id", "method", "path", "endpoint", "status", "ms", "principal")

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
               "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        out.update({k: getattr(record, k) for k in self.FIELDS if hasattr(record, k)})
        if "request_id" not in out and g:
            out["request_id"] = g.get("request_id")
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def _configure_logging() -> None:
    """Send tagkg.api records to stderr as JSON lines, once per process."""
    if not any(isinstance(h.formatter, JsonLines) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def install(app: Flask) -> None:
    """Request ids, access logs and metrics around every request of `app`."""
    _configure_logging()
    registry = CollectorRegistry()
    requests = Counter("tagkg_http_requests", "HTTP requests", ["method", "endpoint", "status"], registry=registry)
    latency = Histogram("tagkg_http_request_seconds", "HTTP request latency", ["endpoint"], registry=registry,
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
    unavailable = Counter("tagkg_neo4j_unavailable", "Requests answered 503 because Neo4j was unreachable",
                          registry=registry)
    app.extensions["tagkg.metrics"] = registry

    @app.before_request
    def start():
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(response):
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint_name = request.endpoint or "unmatched"
        requests.labels(request.method, endpoint_name, str(response.status_code)).inc()
        latency.labels(endpoint_name).observe(elapsed)
        if g.get("neo4j_unavailable"):
            unavailable.inc()
        response.headers["X-Request-Id"] = g.get("request_id", "")
        principal = g.get("principal")
        # The key's owner is logged, never the key; query strings are left out as well.
        log.info("request", extra={"request_id": g.get("request_id"), "method": request.method, "path": request.path,
                                   "endpoint": endpoint_name, "status": response.status_code,
                                   "ms": round(elapsed * 1000, 1), "principal": principal.name if principal else None})
        return response


def check_neo4j() -> tuple[bool, str]:
    get_graph().query(Q.PING)
    return True, "reachable"


def check_indexes() -> tuple[bool, dict]:
    states = {r["name"]: r["state"] for r in get_graph().query(Q.INDEX_STATES)}
    missing = [n for n in REQUIRED_INDEXES if n not in states]
    offline = sorted(n for n, s in states.items() if s != "ONLINE")
    return not missing and not offline, {"online": sum(s == "ONLINE" for s in states.values()),
                                         "missing": missing, "not_online": offline}


@bp.get("/healthz")
def healthz():
    """Neo4j reachable, indexes online, and every check other parts registered (e.g. the tagging model)."""
    checks = {"neo4j": check_neo4j, "indexes": check_indexes, **current_app.extensions["tagkg.health"]}
    report, ok = {}, True
    for name, check in checks.items():
        try:
            passed, detail = check()
        except Exception as exc:  # a failing check is the answer here, not an error
            passed, detail = False, f"{type(exc).__name__}: {str(exc)[:200]}"
        report[name] = {"ok": passed, "detail": detail}
        ok &= passed
        if name == "neo4j" and not passed:
            break  # the other checks need Neo4j
    body = {"status": "ok" if ok else "unavailable", "checks": report,
            "neo4j": report["neo4j"]["detail"] if report["neo4j"]["ok"] else "unreachable"}
    if not current_app.config["SETTINGS"].open_reads and not known_caller():
        body = {"status": body["status"]}   # error text names files and versions: keys only
    if ok:
        return jsonify(body)
    return jsonify(body), 503, {"Retry-After": str(RETRY_AFTER_S)}


@bp.get("/metrics")
def metrics():
    return Response(generate_latest(current_app.extensions["tagkg.metrics"]), mimetype=CONTENT_TYPE_LATEST)


@endpoint(bp, "/v1/stats", summary="Node and edge counts")
def stats():
    return reads.graph_stats(get_graph())


@endpoint(bp, "/v1/whoami", summary="The caller's key name and role (anonymous without a key)", response=WhoAmI)
def whoami():
    return {"name": g.principal.name, "role": g.principal.role,
            "open_reads": current_app.config["SETTINGS"].open_reads}
