"""The API's Graph: one driver per process and server, tuned to fail fast so requests answer 503."""
from __future__ import annotations

import atexit
import threading

from flask import current_app
from neo4j import GraphDatabase, unit_of_work

from graph.db import Graph, Neo4jServerError, _rows
from tagkg.config import Settings

_lock = threading.Lock()
_graphs: dict[tuple, "ApiGraph"] = {}


class ApiGraph(Graph):
    """A Graph whose reads carry a server-side time limit, so one slow query cannot pin a worker."""

    def __init__(self, driver, database: str, timeout_s: float):
        super().__init__(driver, database)
        self._timed_rows = unit_of_work(timeout=timeout_s)(_rows)

    def query(self, cypher: str, **params) -> list[dict]:
        return self.read(self._timed_rows, cypher, params)


def api_graph(settings: Settings) -> ApiGraph:
    """The process-wide ApiGraph for these settings; never starts a server (the API only connects)."""
    key = (settings.uri, settings.neo4j_user, settings.neo4j_database, str(settings.neo4j_home))
    with _lock:
        graph = _graphs.get(key)
        if graph is None:
            try:
                password = settings.password()
            except RuntimeError as exc:  # the local server has never been started
                raise Neo4jServerError(str(exc)) from exc
            # Short connect and retry limits: while Neo4j is down a request gets its 503 within
            # seconds instead of waiting out the driver's default 30 s of retries.
            driver = GraphDatabase.driver(
                settings.uri, auth=(settings.neo4j_user, password), max_connection_pool_size=64,
                connection_timeout=2.0, connection_acquisition_timeout=5.0, max_transaction_retry_time=1.0,
                notifications_min_severity="OFF")
            graph = _graphs[key] = ApiGraph(driver, settings.neo4j_database, settings.api_query_timeout_s)
        return graph


def get_graph() -> ApiGraph:
    return api_graph(current_app.config["SETTINGS"])


@atexit.register
def close_all() -> None:
    """Close every driver the API opened."""
    with _lock:
        for graph in _graphs.values():
            graph.close()
        _graphs.clear()
