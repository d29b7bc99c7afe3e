"""/v1/cypher under attack: Neo4j's planner decides (tests/data/security_cases.json), answers are bounded in
bytes, and concurrent queries per key are capped so the rest of the API keeps answering."""
import json
import threading
import time
import tracemalloc

import pytest

from api import create_app
from api.cypher import ALLOWED_PROCEDURES, Catalog, Slots, refusal
from api.errors import ApiError
from tagkg.config import ROOT

CASES = json.loads((ROOT / "tests" / "data" / "security_cases.json").read_text())
READER, OTHER = "reader-key-0123456789", "second-reader-key-0123"


@pytest.fixture
def api(settings, graph):
    app = create_app(settings.with_(api_keys=(("rita", "reader", READER), ("otto", "reader", OTHER)),
                                    cypher_max_bytes=200_000, cypher_timeout_s=3.0, cypher_max_per_key=2,
                                    cypher_max_concurrent=3), {"TESTING": True})
    return app.test_client()


def cypher(client, query, key=READER, **body):
    return client.post("/v1/cypher", headers={"X-API-Key": key}, json={"query": query, **body})


def test_attacks_are_refused_and_nothing_is_written(api, graph):
    passed = []
    for case in CASES["cypher_refused"]:
        r = cypher(api, case["query"])
        error = r.get_json().get("error", {})
        if r.status_code != 400 or error.get("code") not in ("refused", "cypher_error") or not error.get("message"):
            passed.append((case["query"], r.status_code, r.get_data(as_text=True)[:200]))
    assert passed == []
    assert graph.query("MATCH (n:SecProbe) RETURN count(n) AS n") == [{"n": 0}]
    assert graph.query("MATCH (n:Tag) WHERE n.sec_probe IS NOT NULL RETURN count(n) AS n") == [{"n": 0}]
    assert graph.query("MATCH (n:Tag) WHERE n.name IS NULL RETURN count(n) AS n") == [{"n": 0}]
    assert {r["name"] for r in graph.query("SHOW INDEXES YIELD name RETURN name")} >= {"tag_name", "tag_search"}


def test_refusals_name_their_reason(api):
    reasons = {q: cypher(api, q).get_json()["error"]["message"] for q in (
        "SHOW TRANSACTIONS YIELD *", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "CREATE (:SecProbe)",
        "RETURN `apoc`.cypher.runFirstColumnSingle('CALL dbms.listConfig() YIELD name RETURN name', {}) AS x",
        "CALL apoc.load.json('file:///etc/passwd')", "//x\rSHOW USERS")}
    assert "ShowTransactions" in reasons["SHOW TRANSACTIONS YIELD *"]
    assert "LOAD CSV" in reasons["LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"]
    assert "writes" in reasons["CREATE (:SecProbe)"]
    assert "apoc.cypher.runFirstColumnSingle" in reasons[
        "RETURN `apoc`.cypher.runFirstColumnSingle('CALL dbms.listConfig() YIELD name RETURN name', {}) AS x"]
    assert "apoc.load.json" in reasons["CALL apoc.load.json('file:///etc/passwd')"]
    assert "administration" in reasons["//x\rSHOW USERS"]


def test_legitimate_reads_pass_keywords_as_names_included(api):
    refused = []
    for query in CASES["cypher_allowed"]:
        r = cypher(api, query)
        if r.status_code != 200:
            refused.append((query, r.status_code, r.get_data(as_text=True)[:200]))
    assert refused == []
    assert cypher(api, "WITH 1 AS use RETURN use").get_json()["rows"] == [{"use": 1}]
    assert cypher(api, "RETURN $x AS x", params={"x": [1, "a"]}).get_json()["rows"] == [{"x": [1, "a"]}]


CATALOG = Catalog([{"name": "toUpper", "isBuiltIn": True}, {"name": "apoc.coll.sum", "isBuiltIn": False},
                   {"name": "apoc.cypher.runFirstColumnSingle", "isBuiltIn": False}],
                  ["db.labels", "dbms.listConfig"])


def plan(op, details="", *children):
    return {"operatorType": f"{op}@neo4j", "args": {"Details": details}, "children": list(children)}


@pytest.mark.parametrize("query_type, tree, refused", [
    ("r", plan("ProduceResults", "x", plan("Projection", "toUpper($autostring_0) AS x")), False),
    ("r", plan("ProduceResults", "x", plan("Projection", "TOUPPER($a) + apoc.coll.sum($l) AS x")), False),
    ("r", plan("ProduceResults", "c", plan("Projection", "getDegree((n)--()) AS c", plan("AllNodesScan", "n"))), False),
    ("r", plan("ProduceResults", "x", plan("Projection", "`apoc`.cypher.runFirstColumnSingle($s, {}) AS x")), True),
    ("r", plan("ProduceResults", "", plan("ProcedureCall", "dbms.listConfig() :: (name :: STRING)")), True),
    ("r", plan("ProduceResults", "", plan("ProcedureCall", "db.labels() :: (label :: STRING)")), False),
    ("r", plan("ProduceResults", "x", plan("Projection", "my.unknown.fn($a) AS x")), True),
    ("r", plan("ProduceResults", "", plan("Apply", "", plan("ShowTransactions", "allColumns"))), True),
    ("r", plan("ProduceResults", "l", plan("LoadCSV", "l")), True),
    ("r", {"operatorType": "AllNodesScan@system", "args": {}, "children": []}, True),
    ("w", plan("ProduceResults", "", plan("Create", "(n:X)")), True),
    ("s", plan("AdministrationCommand"), True),
    (None, None, True),
])
def test_refusal_decides_on_the_plan(query_type, tree, refused):
    assert (refusal(query_type, tree, "neo4j", CATALOG) is not None) == refused
    assert "db.labels" in ALLOWED_PROCEDURES


def test_answers_are_bounded_in_bytes_with_flat_memory(api):
    tracemalloc.start()
    try:
        r = cypher(api, CASES["cypher_large"][0]["query"])   # 1,000 rows of 300 kB: 300 MB unbounded
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out = r.get_json()
    assert r.status_code == 200 and out["truncated"] and out["truncated_by"] == "bytes"
    assert len(r.data) <= 200_000 + 1_000 and out["rows"] == []   # one row alone is over the cap
    assert peak < 40_000_000, f"peak {peak / 1e6:.0f} MB of Python memory for a capped answer"
    small = cypher(api, "UNWIND range(1, 100) AS i RETURN apoc.text.repeat('x', 5000) AS s").get_json()
    assert small["truncated_by"] == "bytes" and 30 <= len(small["rows"]) < 40  # 200 kB / ~5 kB rows
    wide = cypher(api, "UNWIND range(1, 100) AS i RETURN apoc.text.repeat('连', 5000) AS s")   # 15 kB of UTF-8 a row
    assert wide.get_json()["truncated_by"] == "bytes" and 190_000 < len(wide.data) <= 201_000
    rows = cypher(api, "UNWIND range(1, 5000) AS i RETURN i").get_json()
    assert rows["truncated_by"] == "rows" and len(rows["rows"]) == 1000


def test_slots_per_key_and_in_all():
    slots = Slots(per_key=2, total=3, retry_after_s=5)
    with slots.take("a"), slots.take("a"):
        with pytest.raises(ApiError) as busy:
            with slots.take("a"):
                pass
        assert busy.value.status == 429 and busy.value.headers == {"Retry-After": "5"}
        with slots.take("b"):
            with pytest.raises(ApiError):   # three in all
                with slots.take("c"):
                    pass
    with slots.take("a"), slots.take("a"):   # released again
        pass


def test_concurrent_queries_per_key_get_429_and_reads_go_on(api, settings):
    results = []

    def slow(key):
        results.append(cypher(api.application.test_client(), CASES["cypher_slow"], key=key).status_code)

    threads = [threading.Thread(target=slow, args=(READER,)) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(1.0)   # both are running on the server now (each lasts its 3 s limit)
    third = cypher(api, "RETURN 1 AS x")
    other_key = cypher(api, "RETURN 1 AS x", key=OTHER)
    started = time.perf_counter()
    lookup = api.get("/v1/taxonomy")
    lookup_s = time.perf_counter() - started
    for t in threads:
        t.join()
    assert third.status_code == 429 and third.headers["Retry-After"] == "3"
    assert third.get_json()["error"]["code"] == "too_many_requests"
    assert other_key.status_code == 200
    assert lookup.status_code == 200 and lookup_s < 2.0
    assert sorted(results) == [400, 400]   # both ran out of time, as they should
    assert cypher(api, "RETURN 1 AS x").status_code == 200   # slots freed


def test_terminate_cannot_end_another_sessions_transaction(api, graph):
    outcome = {}

    def victim():
        with graph.driver.session(database=graph.database) as s:
            outcome["rows"] = s.run("CALL apoc.util.sleep(2500) RETURN 'survived' AS victim").data()

    t = threading.Thread(target=victim)
    t.start()
    time.sleep(0.8)
    ids = [r["id"] for r in graph.query(
        "SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery WHERE currentQuery STARTS WITH 'CALL apoc.util.sleep' "
        "RETURN id")]
    r = cypher(api, f"TERMINATE TRANSACTIONS '{ids[0]}'")
    t.join()
    assert len(ids) == 1 and r.status_code == 400 and "Terminate" in r.get_json()["error"]["message"]
    assert outcome["rows"] == [{"victim": "survived"}]   # the probe's TERMINATE killed it
