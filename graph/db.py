"""Owns the Neo4j driver's whole life: start the local server if needed, connect, close."""
from __future__ import annotations

import atexit
import subprocess
import threading

from dataclasses import dataclass

from neo4j import Driver, GraphDatabase, ManagedTransaction, READ_ACCESS, unit_of_work

from tagkg.config import ROOT, Settings

SERVER_SCRIPT = ROOT / "scripts" / "neo4j.sh"

_lock = threading.Lock()
_graphs: dict[tuple, "Graph"] = {}


class Neo4jServerError(RuntimeError):
    """The local Neo4j server could not be started or reached."""


def server(settings: Settings, action: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run scripts/neo4j.sh ACTION for this settings' home and ports."""
    proc = subprocess.run(["bash", str(SERVER_SCRIPT), action], env=settings.server_env(),
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise Neo4jServerError(proc.stderr.strip() or proc.stdout.strip())
    return proc


@dataclass(frozen=True)
class Profile:
    """How a process uses its driver. Batch jobs wait out Neo4j's restarts; a server fails fast instead, so
    a request gets its 503 within seconds, and its reads carry a server-side time limit."""

    fail_fast: bool = False
    read_timeout_s: float | None = None   # server-side limit of every `query` read; None = Neo4j's own
    pool: int = 32


BATCH = Profile()


class Graph:
    """A driver bound to one database; a session per unit of work. Through a routing URI (neo4j://, neo4j+s://:
    a cluster, Aura) reads go to readers and writes to the leader; the sessions share one bookmark manager, so
    a read sees this process's earlier writes even on a reader that lags."""

    def __init__(self, driver: Driver, database: str, read_timeout_s: float | None = None):
        self.driver = driver
        self.database = database
        self.bookmarks = GraphDatabase.bookmark_manager()
        self._read_rows = unit_of_work(timeout=read_timeout_s)(_rows) if read_timeout_s else _rows

    def session(self, **config):
        """A session on this graph's database in its causal chain (config: default_access_mode, fetch_size, ...)."""
        return self.driver.session(database=self.database, bookmark_manager=self.bookmarks, **config)

    def read(self, work, *args, **kwargs):
        """Run a read transaction function (retried by the driver on transient errors)."""
        with self.session(default_access_mode=READ_ACCESS) as s:
            return s.execute_read(work, *args, **kwargs)

    def write(self, work, *args, **kwargs):
        """Run an idempotent write transaction function."""
        with self.session() as s:
            return s.execute_write(work, *args, **kwargs)

    def query(self, cypher: str, **params) -> list[dict]:
        """Run one read statement and return its rows as dicts."""
        return self.read(self._read_rows, cypher, params)

    def execute(self, cypher: str, **params) -> list[dict]:
        """Run one write statement and return its rows as dicts."""
        return self.write(_rows, cypher, params)

    def run_auto(self, cypher: str, **params) -> None:
        """Run in an auto-commit transaction: needed by CALL { ... } IN TRANSACTIONS batch deletes."""
        with self.session() as s:
            s.run(cypher, params).consume()

    def close(self) -> None:
        self.driver.close()


def _rows(tx: ManagedTransaction, cypher: str, params: dict) -> list[dict]:
    return [r.data() for r in tx.run(cypher, params)]


def connect(settings: Settings | None = None, start: bool = True, profile: Profile = BATCH) -> Graph:
    """The process-wide Graph for these settings and profile (the one driver registry). A batch profile starts
    the local server when NEO4J_URI is unset and checks it answers; a fail-fast one only connects."""
    settings = settings or Settings.from_env()
    key = (settings.uri, settings.neo4j_user, settings.neo4j_database, str(settings.neo4j_home), profile)
    with _lock:
        graph = _graphs.get(key)
        if graph is not None:
            return graph
        if settings.uses_local_server and start and not profile.fail_fast:
            server(settings, "start")
        try:
            password = settings.password()
        except RuntimeError as exc:  # the local server has never been started
            raise Neo4jServerError(str(exc)) from exc
        # Fail fast: short connect and retry limits, so while Neo4j is down a caller hears it within seconds
        # instead of waiting out the driver's default 30 s of retries.
        limits = dict(connection_timeout=2.0, connection_acquisition_timeout=5.0,
                      max_transaction_retry_time=1.0) if profile.fail_fast else {}
        driver = GraphDatabase.driver(settings.uri, auth=(settings.neo4j_user, password),
                                      max_connection_pool_size=profile.pool, notifications_min_severity="OFF",
                                      **limits)
        if not profile.fail_fast:
            try:
                driver.verify_connectivity()
            except Exception as exc:
                driver.close()
                raise Neo4jServerError(f"cannot reach Neo4j at {settings.uri}: {exc}") from exc
        graph = _graphs[key] = Graph(driver, settings.neo4j_database, profile.read_timeout_s)
        return graph


@atexit.register
def close_all() -> None:
    """Close every driver this process opened."""
    with _lock:
        for graph in _graphs.values():
            graph.close()
        _graphs.clear()
