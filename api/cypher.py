"""Read-only Cypher exploration, decided by Neo4j itself: every query is first planned with EXPLAIN in a
READ session on the named database, and only a read-only plan whose procedures and functions are on an
allow-list runs. Answers are capped in rows and bytes, and a few slots bound concurrent queries."""
from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, g
from neo4j import READ_ACCESS, Query
from neo4j.exceptions import ClientError, DatabaseError

from api.db import get_graph
from api.encode import plain
from api.errors import ApiError
from api.schemas import CypherIn, CypherOut
from api.spec import endpoint
from graph.cypher import schema as Q

bp = Blueprint("cypher", __name__, url_prefix="/v1")

# Procedures an analyst needs to explore the graph, by exact name; every other one (dbms.*, apoc.*,
# db.create*, ...) is refused, whatever its mode.
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties", "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships", "db.index.vector.queryNodes",
})

# APOC functions without side effects or outside reach, by exact name; Neo4j's built-in functions
# pass as well. Left out on purpose: apoc.cypher.* (runs a query the plan does not show),
# apoc.xml.parse and apoc.data.url (documents and URLs), apoc.create.*, apoc.util.* and apoc.version.
_APOC = {
    "agg": "first graph last maxItems median minItems nth percentiles product slice statistics",
    "any": "properties property",
    "bitwise": "op",
    "coll": "avg combinations contains containsAll containsAllSorted containsDuplicates containsSorted different "
            "disjunction dropDuplicateNeighbors duplicates duplicatesWithCount fill flatten frequencies "
            "frequenciesAsMap indexOf insert insertAll intersection isEqualCollection max min occurrences "
            "pairWithOffset pairs pairsMin partition remove removeAll runningTotal set sort sortMaps sortMulti "
            "sortNodes sortText stdev subtract sum sumLongs toSet union unionAll zip",
    "convert": "fromJsonList fromJsonMap getJsonProperty getJsonPropertyMap toJson toList toMap toSet "
               "toSortedJsonMap",
    "date": "add convert convertFormat field fields format fromISO8601 parse toISO8601 toYears",
    "hashing": "fingerprint",
    "label": "exists",
    "map": "clean flatten fromLists fromNodes fromPairs fromValues get groupBy groupByMulti merge mergeList mget "
           "removeKey removeKeys setEntry setKey setLists setPairs setValues sortedProperties submap unflatten "
           "updateTree values",
    "math": "cosh coth csch maxByte maxDouble maxInt maxLong minByte minDouble minInt minLong sech sigmoid "
            "sigmoidPrime sinh tanh",
    "meta": "cypher.isType cypher.type cypher.types",
    "node": "degree degree.in degree.out id labels relationship.exists relationship.types relationships.exist",
    "nodes": "connected isDense relationship.types relationships.exist",
    "number": "arabicToRoman exact.add exact.div exact.mul exact.sub exact.toExact exact.toFloat exact.toInteger "
              "format parseFloat parseInt romanToArabic",
    "path": "combine create elements slice",
    "rel": "endNode id startNode type",
    "scoring": "existence pareto",
    "temporal": "format formatDuration toZonedTemporal",
    "text": "base64Decode base64Encode base64UrlDecode base64UrlEncode byteCount bytes camelCase capitalize "
            "capitalizeAll charAt clean code compareCleaned decapitalize decapitalizeAll distance doubleMetaphone "
            "format fuzzyMatch hammingDistance hexCharAt hexValue indexOf indexesOf jaroWinklerDistance join "
            "levenshteinDistance levenshteinSimilarity lpad phonetic regexGroups regexGroupsByName regreplace "
            "repeat replace rpad slug snakeCase sorensenDiceSimilarity split swapCase toCypher toUpperCase "
            "upperCamelCase urldecode urlencode",
}
ALLOWED_FUNCTIONS = frozenset(f"apoc.{family}.{name}" for family, names in _APOC.items() for name in names.split())

# Plan operators refused although Neo4j plans them as reads: they reach files and URLs, other sessions'
# transactions, server settings, or commit on their own.
_REFUSED_OPERATORS = {
    "LoadCSV": "LOAD CSV is not allowed: it reads files and URLs",
    "TransactionApply": "CALL { ... } IN TRANSACTIONS is not allowed",
    "TransactionForeach": "CALL { ... } IN TRANSACTIONS is not allowed",
    "AdministrationCommand": "administration commands are not allowed",
}
_REFUSED_PREFIXES = ("Show", "Terminate")   # SHOW TRANSACTIONS/SETTINGS/..., TERMINATE TRANSACTIONS
# A name right before "(" in a plan's details: Neo4j renders calls that way, with string literals
# turned into $parameters and comments gone. Backticks are dropped first, so a quoted name is seen too.
_CALL = re.compile(r"(?<![\w.$])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\(")
FETCH_SIZE = 25   # records the driver buffers at a time: memory stays flat under huge rows


class Catalog:
    """The server's functions and procedures, so a name in a plan can be told from Neo4j's own renderings."""

    def __init__(self, functions: list[dict], procedures: list[str]):
        self.builtin = {f["name"].lower() for f in functions if f["isBuiltIn"]}  # built-ins ignore case
        self.functions = {f["name"] for f in functions if not f["isBuiltIn"]}
        self.procedures = set(procedures)


def _operators(plan: dict):
    """Every operator of a plan tree: (name, database, details)."""
    stack = [plan]
    while stack:
        op = stack.pop()
        name, _, database = op["operatorType"].partition("@")
        yield name, database, str(op.get("args", {}).get("Details") or "")
        stack.extend(op.get("children", []))


def refusal(query_type: str | None, plan: dict | None, database: str, catalog: Catalog) -> str | None:
    """Why a planned query may not run, or None: a pure function of what EXPLAIN returned."""
    if query_type != "r" or plan is None:
        kind = {"w": "writes", "rw": "reads and writes", "s": "is an administration or schema command"}.get(
            query_type, "is not a read")
        return f"the query {kind} (Neo4j plans it as type {query_type!r}): this endpoint only runs read-only queries"
    for name, db, details in _operators(plan):
        if name in _REFUSED_OPERATORS:
            return _REFUSED_OPERATORS[name]
        if name.startswith(_REFUSED_PREFIXES):
            return f"{name} commands are not allowed: they show or end other sessions' work and server settings"
        if db and db != database:
            return f"the query reads database {db}; this endpoint reads {database} only"
        for called in _CALL.findall(details.replace("`", "")):
            if called in ALLOWED_PROCEDURES or called in ALLOWED_FUNCTIONS or called.lower() in catalog.builtin:
                continue
            if called in catalog.procedures:
                return f"procedure {called} is not allowed; allowed: {', '.join(sorted(ALLOWED_PROCEDURES))}"
            if called in catalog.functions or "." in called:
                # a dotted name that is no known function is refused too: better refused than unknown
                return f"function {called} is not allowed"
    return None


class Slots:
    """At most `per_key` running queries per key and `total` in all. A caller past either gets 429 at once
    rather than waiting in a server thread, so Cypher cannot take the threads tagging and reads need."""

    def __init__(self, per_key: int, total: int, retry_after_s: int):
        self.per_key, self.total, self.retry_after_s = per_key, total, retry_after_s
        self._running: Counter = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def take(self, who: str):
        with self._lock:
            if self._running[who] >= self.per_key:
                raise self._busy(f"key {who} already runs {self.per_key} Cypher queries; wait for one to finish")
            if sum(self._running.values()) >= self.total:
                raise self._busy(f"{self.total} Cypher queries are running; retry shortly")
            self._running[who] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[who] -= 1
                if not self._running[who]:
                    del self._running[who]

    def _busy(self, message: str) -> ApiError:
        return ApiError(429, "too_many_requests", message, headers={"Retry-After": str(self.retry_after_s)})


@bp.record_once
def _install(state) -> None:
    s = state.app.config["SETTINGS"]
    # A running query ends within its time limit, so that is when a slot frees up at the latest.
    state.app.extensions["tagkg.cypher_slots"] = Slots(s.cypher_max_per_key, s.cypher_max_concurrent,
                                                       max(1, round(s.cypher_timeout_s)))


def _catalog(graph) -> Catalog:
    """Read once per process: plugins only change with a server restart."""
    ext = current_app.extensions
    if "tagkg.cypher_catalog" not in ext:
        ext["tagkg.cypher_catalog"] = Catalog(graph.query(Q.FUNCTION_CATALOG),
                                              [r["name"] for r in graph.query(Q.PROCEDURE_CATALOG)])
    return ext["tagkg.cypher_catalog"]


@endpoint(bp, "/cypher", "POST", summary="Run a read-only Cypher query (time limit, row and byte caps)",
          role="reader", open_read=False, body=CypherIn, response=CypherOut)
def run_cypher(body: CypherIn):
    """Neo4j plans the query first (EXPLAIN, READ session): only a read-only plan whose procedures and
    functions are on an allow-list runs; SHOW/TERMINATE commands, LOAD CSV, other databases and
    administration are refused with 400. The answer stops at the time limit, `limit` rows or the byte cap
    (`truncated: true`, `truncated_by` says which); a key runs a few queries at a time (429 past that)."""
    settings = current_app.config["SETTINGS"]
    limit = min(body.limit or settings.cypher_max_rows, settings.cypher_max_rows)
    timeout = min(body.timeout_s or settings.cypher_timeout_s, settings.cypher_timeout_s)
    graph = get_graph()
    with current_app.extensions["tagkg.cypher_slots"].take(g.principal.name):
        catalog = _catalog(graph)
        started = time.perf_counter()
        rows, size, truncated_by = [], 0, None
        try:
            with graph.session(default_access_mode=READ_ACCESS, fetch_size=FETCH_SIZE) as session:
                planned = session.run(Query("EXPLAIN " + body.query, timeout=timeout), body.params).consume()
                reason = refusal(planned.query_type, planned.plan, graph.database, catalog)
                if reason:
                    raise ApiError(400, "refused", reason)
                result = session.run(Query(body.query, timeout=timeout), body.params)
                columns = list(result.keys())
                for record in result:
                    if len(rows) == limit:
                        truncated_by = "rows"
                        break
                    row = json.dumps({k: plain(v) for k, v in record.items()}, ensure_ascii=False).encode()
                    if size + len(row) > settings.cypher_max_bytes:
                        truncated_by = "bytes"
                        break
                    rows.append(row)
                    size += len(row) + 1
        except ClientError as exc:
            if "TransactionTimedOut" in (exc.code or ""):
                raise ApiError(400, "timeout", f"the query ran past its {timeout:g} s limit") from exc
            # Neo4j's own reason: a syntax error, or a command it cannot plan on this database (USE system, ...)
            raise ApiError(400, "cypher_error", exc.message or "the query failed", {"neo4j": exc.code}) from exc
        except DatabaseError as exc:   # e.g. LOAD CSV over http, a class the server lacks: the query's fault
            raise ApiError(400, "cypher_error", exc.message or "the query failed", {"neo4j": exc.code}) from exc
    # The rows are JSON already (their bytes were counted): the answer is assembled, not encoded again.
    head = json.dumps({"columns": columns, "truncated": truncated_by is not None, "truncated_by": truncated_by,
                       "ms": round((time.perf_counter() - started) * 1000, 1)}, ensure_ascii=False)
    return Response(head[:-1].encode() + b', "rows": [' + b",".join(rows) + b"]}", mimetype="application/json")
