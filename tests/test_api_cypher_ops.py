"""Read-only Cypher exploration; health, metrics, the OpenAPI document and the docs page."""
import pytest

from api import create_app

KEY = {"X-API-Key": "reader-key-0123456789"}


@pytest.fixture
def api(settings, graph):
    app = create_app(settings.with_(api_keys=(("rita", "reader", KEY["X-API-Key"]),), cypher_max_rows=50,
                                    cypher_timeout_s=1.0), {"TESTING": True})
    return app.test_client()


def test_cypher_rows_cap_timeout_and_errors(api, graph, ns):
    graph.execute("UNWIND range(1, 3) AS i CREATE (:Tag {id: $ns + i, name: 'n' + i, kind: 'atomic'})", ns=ns)
    r = api.post("/v1/cypher", headers=KEY, json={"query": "MATCH (t:Tag) WHERE t.id STARTS WITH $ns RETURN t ORDER BY t.id",
                                                   "params": {"ns": ns}})
    out = r.get_json()
    assert out["columns"] == ["t"] and not out["truncated"] and len(out["rows"]) == 3
    assert out["rows"][0]["t"]["labels"] == ["Tag"] and out["rows"][0]["t"]["properties"]["name"] == "n1"
    capped = api.post("/v1/cypher", headers=KEY, json={"query": "UNWIND range(1, 1000) AS i RETURN i"}).get_json()
    assert capped["truncated"] and len(capped["rows"]) == 50  # the configured cap wins over none given
    assert len(api.post("/v1/cypher", headers=KEY, json={"query": "UNWIND range(1, 9) AS i RETURN i", "limit": 4}).get_json()["rows"]) == 4
    # 10^10 rows from two small lists: no machine finishes it inside the 1 s limit
    slow = api.post("/v1/cypher", headers=KEY, json={"query": "UNWIND range(1, 100000) AS i UNWIND range(1, 100000) AS j WITH i WHERE i < 0 RETURN count(i)"})
    assert slow.status_code == 400 and slow.get_json()["error"]["code"] == "timeout"
    bad = api.post("/v1/cypher", headers=KEY, json={"query": "MATCH (n RETURN n"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "cypher_error"
    refused = api.post("/v1/cypher", headers=KEY, json={"query": "MATCH (n:Tag {id: $id}) SET n.x = 1", "params": {"id": f"{ns}1"}})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "refused"
    assert graph.query("MATCH (n:Tag) WHERE n.id STARTS WITH $ns AND n.x IS NOT NULL RETURN n", ns=ns) == []
    temporal = api.post("/v1/cypher", headers=KEY, json={"query": "RETURN date('2026-05-01') AS d, [1.5, null] AS l"}).get_json()
    assert temporal["rows"] == [{"d": "2026-05-01", "l": [1.5, None]}]


def test_read_session_refuses_writes(api, graph):
    from neo4j import READ_ACCESS
    from neo4j.exceptions import ClientError

    with graph.driver.session(database=graph.database, default_access_mode=READ_ACCESS) as s:
        with pytest.raises(ClientError):
            s.run("CREATE (:ApiWriteProbe)").consume()
    assert graph.query("MATCH (n:ApiWriteProbe) RETURN count(n) AS n") == [{"n": 0}]


def test_healthz_and_metrics(api):
    h = api.get("/healthz").get_json()
    assert h["status"] == "ok" and h["checks"]["neo4j"]["ok"] and h["checks"]["indexes"]["ok"]
    api.get("/v1/taxonomy")
    text = api.get("/metrics").get_data(as_text=True)
    assert 'tagkg_http_requests_total{endpoint="taxonomy.tree",method="GET",status="200"} 1.0' in text
    assert "tagkg_http_request_seconds_bucket" in text


def test_health_checks_registered_by_other_parts(settings, graph):
    app = create_app(settings, {"TESTING": True})
    app.extensions["tagkg.health"]["model"] = lambda: (False, "model not loaded")
    r = app.test_client().get("/healthz")
    assert r.status_code == 503 and r.headers["Retry-After"] and r.get_json()["checks"]["model"]["detail"] == "model not loaded"


def test_openapi_document_and_docs_page(api):
    doc = api.get("/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    op = doc["paths"]["/v1/tags/{tag_id}/approve"]["post"]
    assert op["x-role"] == "curator" and {} not in op["security"]
    assert {"$ref": "#/components/schemas/ApproveIn"} == op["requestBody"]["content"]["application/json"]["schema"]
    assert {} in doc["paths"]["/v1/tags/{tag_id}"]["get"]["security"]  # open reads
    params = {p["name"] for p in doc["paths"]["/v1/candidates"]["get"]["parameters"]}
    assert {"status", "kind", "min_score", "sort", "limit", "offset"} <= params
    assert "TagDetail" in doc["components"]["schemas"] and "Error" in doc["components"]["schemas"]
    page = api.get("/v1/docs").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in page and api.get("/static/vendor/swagger-ui-bundle.js").status_code == 200
    assert api.get("/curator/").status_code == 200 and api.get("/curator/static/app.js").status_code == 200
