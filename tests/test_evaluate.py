"""`tagkg evaluate` (tagging.evaluate.run) on a small labelled demo corpus in the real Neo4j: the tagger and the
three baselines on the same held-out videos, metrics in range, baselines above a shuffled-label control."""
from __future__ import annotations

import pytest

from demo_graph import load_labels, model_settings, write_tags_and_videos

N_VIDEOS = 400   # seed 5: the same tag library as the tagging tests, so the encoder cache serves its names
RATES = ("recall@1", "recall@5", "recall@20", "precision@5", "f1@5", "ndcg@5")
SERVED = ("served_precision", "served_recall", "served_f1", "untagged")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from demo.corpus import generate

    out = tmp_path_factory.mktemp("evaluate-corpus")
    generate(out, N_VIDEOS, seed=5, progress=False)
    return out


def test_evaluate_tagger_and_baselines_on_the_same_heldout_videos(graph, ns, corpus, settings, tmp_path):
    from labelmodel.split import side_of
    from tagging.evaluate import BASELINES, CURVE_KS, plot_recall_curves, run
    from tagging.tagger import Tagger

    write_tags_and_videos(graph, ns, corpus)
    gold = load_labels(graph, corpus, ns, tmp_path / "labels.jsonl")
    s = model_settings(settings, tmp_path)
    tagger = Tagger.from_graph(graph, s, ns)
    assert any(side_of(v) == "test" for v in tagger.video_tags)   # before: test videos could lend their labels
    result = run(graph, s, prefix=ns, top_k=50, tagger=tagger, progress=False)

    assert not any(side_of(v) == "test" for v in tagger.video_tags)   # held-out labels are not lent
    n_test = sum(side_of(v) == "test" for v in gold)
    assert result["split"]["test"] == n_test >= 25
    assert result["split"]["train"] > 5 * n_test
    methods = result["methods"]
    assert set(methods) == {"tagkg", *BASELINES, "shuffled_tfidf_knn", "shuffled_omikuji"}
    n_lib = result["library_tags"]
    for name, m in methods.items():
        o = m["overall"]
        assert o["videos"] == n_test, name          # every method on the same held-out videos
        assert all(0.0 <= o[k] <= 1.0 for k in RATES), (name, o)
        assert o["recall@1"] <= o["recall@5"] <= o["recall@20"]
        assert 1.0 <= o["mean_rank"] <= n_lib
        curve = m["recall_curve"]
        assert len(curve) == len(CURVE_KS) and curve == sorted(curve)
        assert [curve[0], curve[4], curve[19]] == pytest.approx([o["recall@1"], o["recall@5"], o["recall@20"]], abs=1e-4)
        assert set(m["frequency"]) <= {"head", "torso", "tail"} and set(m["literal"]) <= {"literal", "implied"}
        assert sum(m["literal"][s]["pairs"] for s in m["literal"]) == o["pairs"]
        if not name.startswith("shuffled"):
            assert all(0.0 <= o[k] <= 1.0 for k in SERVED), (name, o)
    # most of the demo's gold is implied (themes, genres, occasions): the literal slice sees both kinds
    assert methods["tagkg"]["literal"]["implied"]["pairs"] > methods["tagkg"]["literal"]["literal"]["pairs"]
    # the text baselines read the labels: each beats the same models fitted on labels shuffled across videos;
    # shuffled labels keep only the tag counts, so the controls sit at popularity's level, not above it
    for control in ("shuffled_tfidf_knn", "shuffled_omikuji"):
        c = methods[control]["overall"]
        for m in ("tfidf_knn", "omikuji"):
            assert methods[m]["overall"]["recall@5"] > c["recall@5"] + 0.08, (m, control)
            assert methods[m]["overall"]["mean_rank"] < c["mean_rank"], (m, control)
        assert c["recall@5"] < methods["popularity"]["overall"]["recall@5"] + 0.05, control
    vs = result["versus_best_baseline"]["recall@5"]
    assert vs["best_baseline"] in BASELINES and vs["delta"] == pytest.approx(
        methods["tagkg"]["overall"]["recall@5"] - methods[vs["best_baseline"]]["overall"]["recall@5"])
    png = plot_recall_curves(methods, tmp_path / "quality.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_reuses_a_served_label_channel_fitted_on_the_same_data_and_runs_ablations(graph, ns, corpus, settings,
                                                                                          tmp_path):
    from graph.labels import read_labels
    from labelmodel.model import LabelModel
    from labelmodel.split import split_ids
    from tagging.evaluate import ABLATIONS, _texts, run
    from tagging.tagger import Tagger

    write_tags_and_videos(graph, ns, corpus)
    load_labels(graph, corpus, ns, tmp_path / "labels.jsonl")
    s = model_settings(settings, tmp_path)
    tagger = Tagger.from_graph(graph, s, ns)
    # the label channel as rank-train fits it: the train side's labelled videos, their texts and library tags
    gold = {v: {t for t in c + r if t in tagger.lib.row} for v, (c, r) in read_labels(graph, ns).items()}
    train = split_ids(sorted(v for v, g in gold.items() if g))["train"]
    texts = _texts(graph, train, progress=False)
    tagger.labels = LabelModel.fit([texts[v] for v in train], [gold[v] for v in train])
    result = run(graph, s, prefix=ns, top_k=50, tagger=tagger, progress=False, with_ablations=True)
    assert result["baselines_fit"].startswith("the served label channel") and result["tagger"]["label_channel"]
    full = result["methods"]["tagkg"]["overall"]
    ab = result["ablations"]
    assert set(ab) == set(ABLATIONS) and all(a["videos"] == full["videos"] for a in ab.values())
    # these videos have no visual vectors: withholding them changes nothing; withholding the label channel does
    assert ab["no_visual"]["recall@5"] == pytest.approx(full["recall@5"])
    assert ab["no_label_channel"]["mean_rank"] != pytest.approx(full["mean_rank"])
    assert "ablations" in result["seconds"]

    # a label model fitted on other data is not reused: the baselines are fitted again
    tagger.labels = LabelModel.fit([texts[v] for v in train[1:]], [gold[v] for v in train[1:]])
    assert run(graph, s, prefix=ns, top_k=50, tagger=tagger, progress=False)["baselines_fit"] == "here"
