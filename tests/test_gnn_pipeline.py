"""GNN stage end to end on a small graph in the real Neo4j: export, train, evaluate, index, retrieve."""
from __future__ import annotations

import json

import numpy as np
import pytest

from demo_graph import load_labels, model_settings, write_tags_and_videos

N_VIDEOS = 400

WRITE_CLICKS = """
UNWIND $rows AS r
MATCH (v:Video {id: r.video})
CALL (r, v) { WITH r, v WHERE r.kind = 'query' MERGE (q:Query {text: r.src}) MERGE (q)-[c:CLICKED]->(v) SET c.count = r.count }
CALL (r, v) { WITH r, v WHERE r.kind = 'tag' MATCH (t:Tag {id: r.src}) MERGE (t)-[c:CLICKED]->(v) SET c.count = r.count }
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from demo.corpus import generate

    out = tmp_path_factory.mktemp("gnn-corpus")
    generate(out, N_VIDEOS, seed=3, progress=False)
    return out


@pytest.fixture
def small_graph(graph, ns, corpus, tmp_path):
    """The corpus written under the ns prefix (directly, so approved-name rules of other tests never clash)."""
    write_tags_and_videos(graph, ns, corpus)
    clicks = {}
    for c in map(json.loads, open(corpus / "clicks.jsonl", encoding="utf-8")):
        src = ns + (c["query"] if c["kind"] == "query" else c["tag_id"])
        key = (c["kind"], src, ns + c["video_id"])
        clicks[key] = clicks.get(key, 0) + c["count"]
    graph.execute(WRITE_CLICKS, rows=[{"kind": k, "src": s, "video": v, "count": n} for (k, s, v), n in clicks.items()])
    return load_labels(graph, corpus, ns, tmp_path / "labels.jsonl")


@pytest.fixture
def gnn_settings(settings, tmp_path):
    return model_settings(settings, tmp_path)


def test_train_index_retrieve(graph, ns, small_graph, gnn_settings):
    from gnn import embed as E
    from gnn.cli_impl import index_main, similar_main, train_main

    result = train_main(graph, gnn_settings, prefix=ns, epochs=5, holdout=80,
                        batch_videos=64, progress=False)
    n_cand = result["c_gnn_clicks"]["candidates"]
    chance_r20 = 20 / n_cand
    # the labels' own split (labelmodel.split): about a tenth of the labelled videos are test videos
    assert 0.05 * N_VIDEOS < result["heldout_videos"] < 0.15 * N_VIDEOS and result["test_pairs"] > 50
    # held-out gold tags rank far better than chance
    assert result["c_gnn_clicks"]["R@20"] > 5 * chance_r20, result["c_gnn_clicks"]
    assert result["c_gnn_clicks"]["MR"] < n_cand / 4
    version = result["version"]
    folder = E.models_dir(gnn_settings) / version
    assert (folder / "history.png").stat().st_size > 1000 and (folder / "model.pt").exists()
    assert E.latest_version(gnn_settings) == version
    assert graph.query("MATCH (:Tag)-[s:SIMILAR_TO {method: 'use-knn'}]->(t:Tag) WHERE t.id STARTS WITH $ns "
                       "RETURN count(s) AS n", ns=ns)[0]["n"] > 0

    video = ns + "v0000001"
    r = E.load_retriever(gnn_settings)
    tags = r.video_to_tags(video, 10)
    assert len(tags) == 10 and all(t.startswith(ns) for t, _ in tags)
    assert [s for _, s in tags] == sorted((s for _, s in tags), reverse=True)
    similar = r.similar_videos(video, 5)
    assert len(similar) == 5 and video not in [v for v, _ in similar]

    # Neo4j holds exactly the vectors FAISS searches: its cosine for FAISS's top tags is the same.
    # Its index is approximate (Lucene HNSW: one build can miss a given node, neo4j/neo4j#13684), so
    # its hits are checked for exact scores and for agreeing with FAISS on most of the top fives.
    overlap = 0
    for vid in [ns + f"v{i:07d}" for i in (1, 50, 123, 300)]:
        exact = dict(r.video_to_tags(vid, n_cand))
        top = [t for t, _ in r.video_to_tags(vid, 5)]
        stored = {row["id"]: 2 * row["cos"] - 1 for row in graph.query(
            "MATCH (v:Video {id: $vid}) UNWIND $ids AS id MATCH (t:Tag {id: id}) "
            "RETURN id, vector.similarity.cosine(v.embedding, t.embedding) AS cos", vid=vid, ids=top)}
        assert all(abs(stored[t] - exact[t]) < 1e-4 for t in top), (stored, top)
        hits = [(t, s) for t, s in E.video_to_tags_neo4j(graph, vid, 100) if t.startswith(ns)]
        assert all(abs(s - exact[t]) < 1e-4 for t, s in hits), hits[:5]
        overlap += len(set(top) & {t for t, _ in hits[:5]})
    assert overlap >= 14, overlap

    out = similar_main(gnn_settings, video, k=3, tags=5)
    assert len(out["similar_videos"]) == 3 and len(out["tags"]) == 5
    # one definition of similar videos: the API reads the same index as the CLI and the tagger
    from api import create_app
    api = create_app(gnn_settings, {"TESTING": True}).test_client().get(f"/v1/videos/{video}/similar?limit=3")
    assert api.get_json()["method"] == "gnn"
    assert [i["video"]["id"] for i in api.get_json()["items"]] == [v["id"] for v in out["similar_videos"]]
    assert not graph.query("MATCH (v:Video)-[s:SIMILAR_TO]-() WHERE v.id STARTS WITH $ns RETURN s LIMIT 1", ns=ns)

    meta = index_main(graph, gnn_settings, neo4j=False, progress=False)
    assert meta["version"] == version and meta["videos"] == N_VIDEOS


def test_train_is_deterministic(graph, ns, small_graph, gnn_settings):
    from gnn.cli_impl import _load
    from gnn.train import TrainConfig, fit, prepare_graph, selected, selection_score, split

    data, feats = _load(graph, gnn_settings, ns, progress=False)
    cfg = TrainConfig(epochs=2, holdout=80, batch_videos=64)
    sp = split(data, cfg)
    g, sim = prepare_graph(data, feats, sp, cfg)
    runs = [fit(g, sp, sim, cfg, progress=False)[1] for _ in range(2)]
    strip = lambda h: [{k: v for k, v in e.items() if k != "seconds"} for e in h]
    assert strip(runs[0]) == strip(runs[1])
    # validation videos are hidden from the graph like test videos, and pick the kept epoch
    assert len(sp.validation) and not set(sp.validation) & set(sp.heldout) and len(sp.valid_pairs)
    assert not set(sp.train_pairs[:, 0]) & set(sp.hidden)
    hist = runs[0]
    assert sum(h["selected"] for h in hist) == 1
    assert selected(hist) == max(hist, key=lambda h: (selection_score(h["valid"]), -h["epoch"]))


def test_sampled_inference_is_repeatable(graph, ns, small_graph, gnn_settings):
    from gnn.cli_impl import _load
    from gnn.train import TrainConfig, fit, infer, prepare_graph, split

    data, feats = _load(graph, gnn_settings, ns, progress=False)
    cfg = TrainConfig(epochs=1, holdout=80, batch_videos=64, infer="sampled")
    sp = split(data, cfg)
    g, sim = prepare_graph(data, feats, sp, cfg)
    model, hist = fit(g, sp, sim, cfg, progress=False)
    a = infer(model, g, fanouts=cfg.fanouts, seed=3, chunk=50)
    assert a[0].shape == (g.num_nodes("video"), cfg.out_dim) and a[1].shape == (g.num_nodes("tag"), cfg.out_dim)
    assert np.allclose(np.linalg.norm(a[0], axis=1), 1, atol=1e-4)
    c = infer(model, g, fanouts=cfg.fanouts, seed=3, chunk=50)
    assert np.array_equal(a[0], c[0]) and np.array_equal(a[1], c[1])
    assert hist[0]["R@20"] > 0


def test_vector_index_is_rebuilt_for_another_size_or_quantization(graph):
    from graph.cypher import schema as Q
    from graph.schema import ensure_vector_index, init_db

    def index():
        rows = graph.query("SHOW INDEXES YIELD name, id, options WHERE name = 'video_embedding' "
                           "RETURN id, options.indexConfig AS config")
        return rows[0] if rows else None

    before = index()
    try:
        graph.execute(Q.DROP_VECTOR_INDEX["Video"])
        # an index as Neo4j makes it by default (quantized), e.g. by an older tagkg
        graph.execute("CREATE VECTOR INDEX video_embedding FOR (v:Video) ON v.embedding "
                      "OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}}", dim=8)
        assert index()["config"]["vector.quantization.enabled"] is True
        init_db(graph)   # the upgrade path: rebuilt unquantized at its size
        first = index()
        assert first["config"]["vector.quantization.enabled"] is False and first["config"]["vector.dimensions"] == 8
        ensure_vector_index(graph, "Video", 8)
        assert index()["id"] == first["id"]   # same options: kept, not rebuilt
        ensure_vector_index(graph, "Video", 16)
        assert index()["config"]["vector.dimensions"] == 16
    finally:
        graph.execute(Q.DROP_VECTOR_INDEX["Video"])
        if before:
            ensure_vector_index(graph, "Video", before["config"]["vector.dimensions"])
