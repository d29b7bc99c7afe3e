"""Read-only Cypher exploration: refused write and admin clauses, a READ session, a time limit, a row cap."""
from __future__ import annotations

import re
import time

from flask import Blueprint, current_app
from neo4j import READ_ACCESS, Query
from neo4j.exceptions import ClientError

from api.db import get_graph
from api.encode import plain
from api.errors import ApiError
from api.schemas import CypherIn, CypherOut
from api.spec import endpoint

bp = Blueprint("cypher", __name__, url_prefix="/v1")

# Procedures an analyst needs to explore; everything else (dbms.*, apoc.* procedures, db.create*, ...)
# is refused. Writes are blocked by the READ session as well, so this list guards admin and side effects.
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties", "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships", "db.index.vector.queryNodes",
})
# APOC function families without side effects (their procedures are refused above).
ALLOWED_APOC = frozenset({"coll", "map", "text", "math", "number", "date", "temporal", "agg", "convert",
                          "label", "node", "nodes", "rel", "any", "path", "bitwise", "hashing", "scoring"})

_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
_WORD = r"(?<![.\w:$])"  # a keyword, not a property, label or parameter that happens to share its name
_WRITE = re.compile(_WORD + r"(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV|GRANT|REVOKE|DENY|"
                    r"ALTER|TERMINATE|USE|ENABLE|DEALLOCATE|REALLOCATE|(?:START|STOP)\s+DATABASE|"
                    r"RENAME\s+(?:ROLE|USER|SERVER))\b", re.I)
_IN_TRANSACTIONS = re.compile(_WORD + r"IN\s+(?:\d+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS\b", re.I)
_SHOW_ADMIN = re.compile(_WORD + r"SHOW\b.*\b(USERS?|ROLES?|PRIVILEGES?|DATABASES?|TRANSACTIONS?|SERVERS?|"
                         r"SETTINGS?|ALIAS(?:ES)?|CURRENT\s+USER)\b", re.I | re.S)
_CALL = re.compile(_WORD + r"CALL\s+([A-Za-z_][\w.]*)", re.I)
_CALL_QUOTED = re.compile(_WORD + r"CALL\s*`", re.I)
_NAMESPACED = re.compile(r"(?<![\w.$])(dbms|apoc)\.([\w.]+)", re.I)


def refusal(query: str) -> str | None:
    """Why `query` is refused, or None when it may run."""
    # Backtick names become a placeholder so `CALL \`dbms.x\`` cannot slip past as a quoted name.
    text = _LITERALS.sub(lambda m: "`q`" if m.group(0).startswith("`") else " ", query)
    if m := _WRITE.search(text):
        return f"{m.group(1).upper()} is not allowed: this endpoint only reads"
    if _IN_TRANSACTIONS.search(text):
        return "CALL { ... } IN TRANSACTIONS is not allowed"
    if m := _SHOW_ADMIN.search(text):
        return f"SHOW {m.group(1).upper()} is an admin command; SHOW INDEXES, CONSTRAINTS, FUNCTIONS, PROCEDURES are allowed"
    if _CALL_QUOTED.search(text):
        return "quoted procedure names are not allowed"
    for m in _CALL.finditer(text):
        if m.group(1) not in ALLOWED_PROCEDURES:
            return f"procedure {m.group(1)} is not allowed; allowed: {', '.join(sorted(ALLOWED_PROCEDURES))}"
    for m in _NAMESPACED.finditer(text):
        family = m.group(2).split(".")[0]
        if m.group(1).lower() == "dbms" or family not in ALLOWED_APOC:
            return f"{m.group(1)}.{m.group(2)} is not allowed"
    return None


@endpoint(bp, "/cypher", "POST", summary="Run a read-only Cypher query (time limit, row cap)",
          role="reader", open_read=False, body=CypherIn, response=CypherOut)
def run_cypher(body: CypherIn):
    """Write and admin clauses, `CALL ... IN TRANSACTIONS` and procedures outside a short allow-list are
    refused; the query runs in a READ session, stops at the time limit and returns at most `limit` rows."""
    settings = current_app.config["SETTINGS"]
    reason = refusal(body.query)
    if reason:
        raise ApiError(400, "refused", reason)
    limit = min(body.limit or settings.cypher_max_rows, settings.cypher_max_rows)
    timeout = min(body.timeout_s or settings.cypher_timeout_s, settings.cypher_timeout_s)
    graph = get_graph()
    started = time.perf_counter()
    rows, truncated = [], False
    try:
        with graph.driver.session(database=graph.database, default_access_mode=READ_ACCESS,
                                  fetch_size=min(limit + 1, 1000)) as session:
            result = session.run(Query(body.query, timeout=timeout), body.params)
            columns = list(result.keys())
            for record in result:
                if len(rows) == limit:
                    truncated = True
                    break
                rows.append({k: plain(v) for k, v in record.items()})
    except ClientError as exc:
        if "TransactionTimedOut" in (exc.code or ""):
            raise ApiError(400, "timeout", f"the query ran past its {timeout:g} s limit") from exc
        raise ApiError(400, "cypher_error", exc.message or "the query failed", {"neo4j": exc.code}) from exc
    return {"columns": columns, "rows": rows, "truncated": truncated,
            "ms": round((time.perf_counter() - started) * 1000, 1)}
