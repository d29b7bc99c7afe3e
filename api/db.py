"""The app's Neo4j graph, flaskr-style: `init_app` wires it to the app, `get_graph` gives a request its graph.

The driver itself lives in graph/db.py's one registry (one per process); the API asks for the fail-fast
profile, so while Neo4j is down a request answers 503 within seconds, and reads carry a time limit."""
from __future__ import annotations

from flask import Flask, current_app, g

from graph.db import Graph, Profile, connect


def _profile(settings, read_limit: bool = True) -> Profile:
    return Profile(fail_fast=True, read_timeout_s=settings.api_query_timeout_s if read_limit else None, pool=64)


def get_graph() -> Graph:
    """The graph of this request (connected on first use; the API never starts a server)."""
    if "graph" not in g:
        settings = current_app.config["SETTINGS"]
        g.graph = connect(settings, start=False, profile=_profile(settings))
    return g.graph


def get_model_graph() -> Graph:
    """The graph the server loads its models through (the tagger's library, vectors and indexes): fail-fast
    connects like a request's, but no per-read time limit, since those reads grow with the library (past the
    10 s request limit at 100k videos) and run once per library version, not per request."""
    settings = current_app.config["SETTINGS"]
    return connect(settings, start=False, profile=_profile(settings, read_limit=False))


def _end_request(exc=None) -> None:
    # The driver outlives the request (graph/db.py closes it at exit); the request only drops its handle.
    g.pop("graph", None)


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_end_request)
