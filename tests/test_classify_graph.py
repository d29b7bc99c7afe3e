"""Classification against the real Neo4j: IN_CATEGORY with confidence and method; curated edges stay."""
from __future__ import annotations

import json

import numpy as np

from graph.cypher import curation as Q
from loaders.load import load_file
from taxonomy.store import classify_atomic


def fake_embed(names):
    """Deterministic 8-d vectors: no model needed, neighbours share their first character."""
    return np.array([[1.0 if (ord(n[0]) + i) % 8 == 0 else 0.1 for i in range(8)] for n in names])


def categories(graph, ns):
    rows = graph.query("MATCH (t:Tag)-[ic:IN_CATEGORY]->(c:Category) WHERE t.id STARTS WITH $ns "
                       "RETURN t.id AS id, c.id AS category, ic.method AS method, ic.confidence AS confidence", ns=ns)
    return {r["id"][len(ns):]: r for r in rows}


def test_classify_writes_in_category_and_leaves_curated_alone(graph, ns, write_file):
    rows = [
        {"id": f"{ns}dress", "name": f"{ns}连衣裙", "kind": "atomic", "category": "object.clothing.dress"},
        {"id": f"{ns}human", "name": f"{ns}某色", "kind": "atomic", "category": "object.attribute.color"},
        {"id": f"{ns}price", "name": "99元", "kind": "atomic", "status": "candidate"},
        {"id": f"{ns}year", "name": "2024年", "kind": "atomic", "status": "candidate"},
        {"id": f"{ns}odd", "name": f"{ns}怪词", "kind": "atomic", "status": "candidate"},
    ]
    path = write_file("tags.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    assert load_file(graph, "tags", path, progress=False).ok
    # a curator moved this one by hand: a rerun must not undo it
    graph.execute(Q.SET_CATEGORY, id=f"{ns}human", category="object.attribute.style", confidence=1.0,
                  method="curator")

    result = classify_atomic(graph, prefix=ns, embed=fake_embed, progress=False)
    assert result["classified"] == 3
    got = categories(graph, ns)
    assert (got["price"]["category"], got["price"]["method"]) == ("number.price", "rule:number")
    assert (got["year"]["category"], got["year"]["method"]) == ("time.year", "rule:date")
    assert got["odd"]["method"] == "knn" and 0 <= got["odd"]["confidence"] <= 1
    assert got["dress"]["method"] == "curated" and got["human"]["method"] == "curator"

    again = classify_atomic(graph, prefix=ns, reclassify=True, embed=fake_embed, progress=False)
    assert again["classified"] == 3  # the three machine-made edges, nothing else
    after = categories(graph, ns)
    assert after["dress"] == got["dress"] and after["human"] == got["human"]
    assert after["human"]["category"] == "object.attribute.style"
    assert classify_atomic(graph, prefix=ns, embed=fake_embed, progress=False)["classified"] == 0
