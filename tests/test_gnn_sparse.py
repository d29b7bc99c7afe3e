"""The GNN under sparse clicks on a small graph in the real Neo4j: it beats text-only in the same run, and a
video that is not stored gets an inductive GNN vector close to its stored one, in the tagger and the API."""
from __future__ import annotations

import numpy as np

from test_gnn_pipeline import N_VIDEOS, corpus, gnn_settings, small_graph  # noqa: F401 (fixtures)
from test_tagging_api import KEYS, TAGGER

COVERAGE = 0.1


def test_sparse_clicks_beat_text_only_and_new_videos_embed_inductively(graph, ns, small_graph, gnn_settings):
    from api import create_app
    from gnn import embed as E
    from gnn.cli_impl import train_main
    from gnn.inductive import Inductive
    from gnn.train import load_checkpoint
    from tagging import store
    from tagging.tagger import Tagger
    from video.record import from_row
    from video.vectors import text_vectors

    # 8 epochs: with 5 the gain over text-only ranged .003-.047 over random namespaces (the split hashes the
    # ids, so each run holds out other videos), with 8 .053-.083
    result = train_main(graph, gnn_settings, prefix=ns, epochs=8, holdout=80, batch_videos=64, compare=True,
                        write_graph=False, progress=False, click_coverage=COVERAGE)
    a, d = result["a_text_only"], result["c_gnn_clicks"]   # the default model
    # an untrained model is exactly text-only (the towers' zero-init skip), so it fails this
    assert d["R@5"] > a["R@5"] + 0.03 and d["MR"] < a["MR"], (a, d)

    folder = E.models_dir(gnn_settings) / result["version"]
    assert Inductive.load(folder) is not None
    tagger = Tagger.from_graph(graph, gnn_settings, prefix=ns, rank_version=None)
    r = tagger.retriever
    hidden = set(load_checkpoint(folder / "model.pt")[2]["hidden_videos"])
    held = [v for v in r.ids["video"] if v in hidden][:40]
    records = [from_row(v) for v in store.read_videos(graph, held)]
    text = text_vectors(tagger.enc, records)                                             # (n, 512)
    stored = tagger._gnn_vectors(records, text)                                          # the index vectors
    adhoc = tagger._gnn_vectors(records, text, as_new=True)                              # themselves left out
    assert np.allclose(stored, np.stack([r.video_vector(v) for v in held]))
    cos = (stored * adhoc).sum(1)
    # measured on this corpus: mean about .97; text vectors, what ad-hoc videos got before, are farther
    assert cos.mean() > 0.9 and cos.mean() > (stored * text).sum(1).mean() + 0.02, (cos.mean(), (stored * text).sum(1).mean())

    api = create_app(gnn_settings.with_(api_keys=KEYS), {"TESTING": True}).test_client()
    v = records[0]
    body = api.post("/v1/tagging/tag?top_k=50&min_score=-1", json={"title": v.title, "summary": v.summary},
                    headers=TAGGER).get_json()
    # without a ranker nothing clears the recall-only keep threshold; `ranked` lists every recalled candidate
    assert body["video"] is None and any("crossmodal" in t["channels"] for t in body["ranked"]), body["ranked"][:3]
