"""API failures found under attack: deep JSON, NaN vectors, Neo4j database errors, waitress' own errors,
and what stays open with open reads off (tests/data/security_cases.json)."""
import json
import socket
import threading

import pytest
from neo4j.exceptions import DatabaseError

from api import create_app
from api.limits import MAX_JSON_DEPTH, json_depth
from api.serve import make_server
from tagkg.config import ROOT

CASES = json.loads((ROOT / "tests" / "data" / "security_cases.json").read_text())
KEYS = {"reader": "reader-key-0123456789", "tagger": "tagger-key-0123456789", "curator": "curator-key-0123456789"}


def keys():
    return tuple((role, role, key) for role, key in KEYS.items())


@pytest.fixture
def api(settings, graph):
    return create_app(settings.with_(api_keys=keys()), {"TESTING": True}).test_client()


@pytest.fixture
def closed(settings, graph):
    return create_app(settings.with_(api_keys=keys(), open_reads=False), {"TESTING": True}).test_client()


def assert_error(r, status, code=None):
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    error = r.get_json()["error"]
    assert set(error) == {"code", "message", "details"} and error["message"]
    if code:
        assert error["code"] == code


def test_json_depth_is_counted_without_parsing():
    assert json_depth(b'{"a": [1, {"b": "[[[{{"}], "c": "\\"]"}') == 3
    assert json_depth(b"17") == 0 and json_depth(b"") == 0
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000


def test_deep_json_is_a_400_on_every_endpoint(api):
    levels = CASES["deep_json_levels"]
    for case in CASES["deep_json"]:
        body = case["prefix"] + "[" * levels + "]" * levels + case["suffix"]
        r = api.open(case["path"], method=case["method"], data=body,
                     headers={"X-API-Key": KEYS[case["role"]], "Content-Type": "application/json"})
        assert_error(r, 400, "bad_request")
        assert str(MAX_JSON_DEPTH) in r.get_json()["error"]["message"]
    ok = "[" * 10 + "]" * 10   # shallow nesting still parses (and fails validation normally)
    assert api.post("/v1/cypher", data='{"query": "RETURN $p AS p", "params": {"p": ' + ok + "}}",
                    headers={"X-API-Key": KEYS["reader"], "Content-Type": "application/json"}).status_code == 200


def test_nan_and_infinity_vectors_are_422_and_nothing_is_stored(api, graph, ns):
    for case in CASES["nan_payloads"]:
        r = api.open(case["path"].format(ns=ns), method=case["method"], data=case["body"],
                     headers={"X-API-Key": KEYS[case["role"]], "Content-Type": "application/json"})
        assert_error(r, 422, "invalid")
        assert "finite" in json.dumps(r.get_json()["error"]["details"])
    assert graph.query("MATCH (v:Video) WHERE v.id STARTS WITH $ns RETURN count(v) AS n", ns=ns) == [{"n": 0}]


def test_a_neo4j_database_error_is_503_in_the_error_shape(settings, graph):
    app = create_app(settings.with_(api_keys=keys()), {"TESTING": True})

    @app.get("/v1/test-database-error")
    def fails():   # what a Neo.DatabaseError.* from the server surfaces as in any endpoint
        raise DatabaseError._hydrate_neo4j(code="Neo.DatabaseError.General.UnknownError", message="boom")

    r = app.test_client().get("/v1/test-database-error")
    assert_error(r, 503, "database_error")
    assert r.headers["Retry-After"] and "boom" not in r.get_data(as_text=True)


def test_with_open_reads_off_only_healthz_answers_without_a_key(closed):
    for path in CASES["closed_paths"]:
        assert_error(closed.get(path), 401, "unauthorized")
    health = closed.get("/healthz")
    assert set(health.get_json()) == {"status"}
    full = closed.get("/healthz", headers={"X-API-Key": KEYS["reader"]}).get_json()
    assert "checks" in full
    assert closed.get("/metrics", headers={"X-API-Key": KEYS["reader"]}).status_code == 200
    assert closed.get("/v1/openapi.json", headers={"X-API-Key": KEYS["reader"]}).status_code == 200
    assert closed.get("/curator/", headers={"X-API-Key": KEYS["reader"]}).status_code == 200


def test_open_reads_keep_the_documents_open(api):
    assert api.get("/metrics").status_code == 200 and api.get("/v1/openapi.json").status_code == 200
    assert "checks" in api.get("/healthz").get_json()


def raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass   # answered (413) and closed before the whole body was read
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except ConnectionResetError:
            pass   # the server closed on unread body bytes after answering
    return out


def test_waitress_answers_bad_requests_in_the_error_shape(settings, graph):
    app = create_app(settings.with_(api_keys=keys(), api_max_body_bytes=20_000,
                                    api_max_import_bytes=50_000, api_max_upload_bytes=60_000), {"TESTING": True})
    server = make_server(app, "127.0.0.1", 0, 2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        port = server.effective_port
        bad_header = raw(port, b"GET /v1/taxonomy HTTP/1.1\r\nHost: x\r\nX-Bad: a\x7fb\r\nConnection: close\r\n\r\n")
        head, _, body = bad_header.partition(b"\r\n\r\n")
        assert head.split(b"\r\n")[0].endswith(b" 400 Bad Request") and b"application/json" in head
        assert json.loads(body)["error"]["code"] == "bad_request"
        utf8_path = raw(port, "GET /v1/tags/连衣裙 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        head, _, body = utf8_path.partition(b"\r\n\r\n")
        assert b"application/json" in head and "error" in json.loads(body)
        chunk = b"%x\r\n%s\r\n" % (40_000, b"x" * 40_000)   # 80 kB chunked, over the biggest body allowed
        for _ in range(3):   # the server resets a connection it stopped reading; that may swallow the answer
            too_big = raw(port, b"POST /v1/library/import HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                b"Connection: close\r\n\r\n" + chunk * 2 + b"0\r\n\r\n")
            if too_big:
                break
        head, _, body = too_big.partition(b"\r\n\r\n")
        assert b" 413 " in head.split(b"\r\n")[0] and json.loads(body)["error"]["code"] == "too_large"
    finally:
        server.close()
