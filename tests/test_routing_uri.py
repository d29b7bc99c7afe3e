"""NEO4J_URI as a routing URI (neo4j://, as for a cluster or Aura) against the local server, which answers the
routing procedure for itself: reads run as read transactions, writes as write ones, the API's Cypher stays
read-only, and tagging works through it."""
from __future__ import annotations

import pytest
from neo4j.exceptions import ClientError

from api import create_app

KEY = {"X-API-Key": "reader-key-0123456789"}
ROUTING_TABLE = "CALL dbms.routing.getRoutingTable({}, $db) YIELD servers RETURN servers"
WRITE_TAG = "MERGE (t:Tag:Atomic {id: $id}) SET t.name = $name, t.kind = 'atomic', t.status = 'approved'"
READ_TAG = "MATCH (t:Tag {id: $id}) RETURN t.name AS name"
WRITE_VIDEO = "MERGE (v:Video {id: $id}) SET v.title = $title"


@pytest.fixture
def routed(settings):
    return settings.with_(neo4j_uri=f"neo4j://127.0.0.1:{settings.bolt_port}")


def test_routing_uri_reads_and_writes(routed, graph, ns):
    from graph.db import connect

    g = connect(routed)
    assert g is not graph and type(g.driver).__name__ == "Neo4jDriver"     # the routing driver
    roles = {s["role"] for s in g.query(ROUTING_TABLE, db=g.database)[0]["servers"]}
    assert roles == {"WRITE", "READ", "ROUTE"}
    g.execute(WRITE_TAG, id=ns + "a", name="路由")
    assert g.query(READ_TAG, id=ns + "a") == [{"name": "路由"}]            # the write is visible to the next read
    with pytest.raises(ClientError):                                        # a read transaction cannot write
        g.query(WRITE_TAG, id=ns + "b", name="x")
    assert g.query(READ_TAG, id=ns + "b") == []


def test_api_cypher_stays_read_only_through_a_routing_uri(routed, graph, ns):
    api = create_app(routed.with_(api_keys=(("rita", "reader", KEY["X-API-Key"]),)), {"TESTING": True}).test_client()
    graph.execute(WRITE_TAG, id=ns + "c", name="读")
    ok = api.post("/v1/cypher", headers=KEY, json={"query": READ_TAG, "params": {"id": ns + "c"}})
    assert ok.status_code == 200 and ok.get_json()["rows"] == [{"name": "读"}]
    refused = api.post("/v1/cypher", headers=KEY, json={"query": WRITE_TAG, "params": {"id": ns + "d", "name": "x"}})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "refused"
    assert graph.query(READ_TAG, id=ns + "d") == []
    assert api.get(f"/v1/tags/{ns}c").status_code == 200


def test_tagging_through_a_routing_uri(routed, graph, ns, tmp_path):
    from demo_graph import model_settings
    from graph.db import connect
    from tagging.tagger import tag_stored

    g = connect(routed)
    g.execute(WRITE_TAG, id=ns + "t", name="红烧肉")
    g.execute(WRITE_VIDEO, id=ns + "v", title="红烧肉的家常做法")
    out = tag_stored(g, model_settings(routed, tmp_path), [ns + "v"], persist=True)
    assert [t["tag"] for t in out[0]["core"] + out[0]["related"]] == [ns + "t"]
    assert graph.query("MATCH (:Video {id: $v})-[h:HAS_TAG {source: 'tagger'}]->(t:Tag) RETURN t.id AS t",
                       v=ns + "v") == [{"t": ns + "t"}]
