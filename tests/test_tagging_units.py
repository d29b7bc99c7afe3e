"""Tagging's pure parts on hand-made inputs whose right answers are known: every channel, merge, features,
thresholds, visual prototypes and the ranking model."""
from __future__ import annotations

import numpy as np
import pytest

from tagging import channels as C
from tagging import rank as R
from tagging.candidates import merge
from tagging.features import FEATURES, INDEX, context, features
from tagging.library import build_library
from tagging.thresholds import assign_core, calibrate, served
from tagging.train import sparse_copy
from tagging.vectors import VisualPrototypes

TAGS = [
    {"id": "a1", "name": "白色", "kind": "atomic"},
    {"id": "a2", "name": "连衣裙", "kind": "atomic", "aliases": ["裙子"]},
    {"id": "a3", "name": "柯基", "kind": "atomic", "aliases": ["corgi"]},
    {"id": "p1", "name": "白色连衣裙", "kind": "phrase", "components": ["a1", "a2"]},
    {"id": "a4", "name": "露营", "kind": "atomic"},
]


@pytest.fixture(scope="module")
def lib():
    return build_library(TAGS)


def _by_id(lib, cands):
    return {lib.ids[c.row]: c for c in cands}


def test_text_channel_names_aliases_components(lib):
    got = _by_id(lib, C.content_text(lib, {"title": "我家CORGI的日常", "summary": "白色的连衣裙", "asr": "", "ocr": "白色"}))
    assert got["a3"].evidence["via"] == "alias" and got["a3"].evidence["fields"] == ["title"]
    assert got["a1"].evidence["fields"] == ["summary", "ocr"]
    assert got["p1"].evidence["via"] == "components" and got["p1"].score < got["a2"].score
    assert "a4" not in got


def test_text_channel_marks_details_inside_a_phrase(lib):
    got = _by_id(lib, C.content_text(lib, {"title": "白色连衣裙穿搭"}))
    assert got["p1"].evidence["via"] == "name" and not got["p1"].evidence["inside"]
    assert got["a2"].evidence["inside"] and got["a1"].evidence["inside"]


def test_library_scales_and_stays_fast():
    rows = [{"id": f"t{i}", "name": f"标签{i:06d}", "kind": "atomic"} for i in range(50_000)]
    big = build_library(rows)
    hits = big.match("今天说说标签012345和标签049999")
    assert {big.ids[m.row] for m in hits} == {"t12345", "t49999"}


def test_product_channel_titles_and_categories(lib):
    got = _by_id(lib, C.products(lib, [{"id": "p", "title": "夏季白色裙子显瘦", "category": "服饰>裙装>连衣裙"},
                                       {"id": "q", "title": "帐篷", "category": "户外>露营"}]))
    assert got["a2"].evidence["in"] == ["title", "category"] and got["a2"].score == 0.5
    assert got["a4"].evidence["in"] == ["category"]


def test_query_channel_exact_alias_contains_embedding(lib):
    got = _by_id(lib, C.queries(lib, [("柯基", 9), ("裙子", 3), ("白色连衣裙 推荐", 1), ("小狗", 2)],
                                {"小狗": [(lib.row["a3"], 0.8), (lib.row["a4"], 0.2)]}))
    assert set(got["a3"].evidence["via"]) == {"exact", "embedding"}
    assert got["a2"].evidence["via"][0] == "alias"
    assert "contains" in got["p1"].evidence["via"]
    assert "a4" not in got                                   # below the embedding cut-off
    assert got["a3"].score > got["p1"].score                 # more click mass


def test_similar_and_nearest_channels(lib):
    got = _by_id(lib, C.similar_videos([("v1", 0.9), ("v2", 0.1)], {"v1": [(0, 1.0)], "v2": [(0, 1.0), (4, 1.0)]}))
    assert got["a1"].score == pytest.approx(1.0) and got["a4"].score == pytest.approx(0.1)
    near = C.nearest("visual", [(2, 0.7), (4, 0.5)])
    assert [c.evidence["rank"] for c in near] == [1, 2] and near[0].channel == "visual"


def test_merge_keeps_provenance_and_features(lib):
    cands = C.content_text(lib, {"title": "柯基"}) + C.nearest("crossmodal", [(lib.row["a3"], 0.6)]) \
        + C.queries(lib, [("柯基", 2)])
    merged = merge(cands)
    m = merged[lib.row["a3"]]
    assert m.channels == ["text", "query", "crossmodal"]
    x = features(list(merged.values()), lib.is_phrase, np.ones(len(lib)), np.zeros(len(lib)))
    assert x.shape == (1, len(FEATURES))
    assert x[0, INDEX["crossmodal"]] == pytest.approx(0.6) and x[0, INDEX["query_exact"]] == 1


def test_context_features_say_what_the_payload_carries():
    full = {"title": "t", "summary": "s", "asr": "a", "ocr": "o", "products": [{"title": "p"}], "queries": [("q", 1)]}
    assert context(full) == [1.0, 1.0, 1.0]
    assert context({"title": "t", "asr": "a", "ocr": ""}) == pytest.approx([1 / 3, 0.0, 0.0])


def test_sparse_copy_keeps_id_and_title_and_drops_fields_at_random():
    video = {"id": "v1", "title": "t", "summary": "s", "asr": "a", "ocr": "o", "products": [{"title": "p"}],
             "queries": [("q", 1)], "visual": [0.1], "author": "u"}
    rng = np.random.default_rng(0)
    copies = [sparse_copy(video, rng) for _ in range(400)]
    assert all(c["id"] == "v1" and c["title"] == "t" and "author" not in c for c in copies)
    kept = np.mean([[f in c for f in ("summary", "asr", "ocr", "products", "queries", "visual")] for c in copies], 0)
    assert np.all((kept > 0.2) & (kept < 0.4))   # each kept with chance SPARSE_KEEP = 0.3
    assert sparse_copy(video, np.random.default_rng(1)) == sparse_copy(video, np.random.default_rng(1))


def test_thresholds_calibrate_and_cap_core():
    video = np.array([0, 0, 0, 0, 1, 1, 1])
    rel = np.array([0.9, 0.8, 0.3, 0.1, 0.95, 0.4, 0.05])
    y = np.array([1, 1, 0, 0, 1, 1, 0])
    core = np.array([1, 0, 0, 0, 1, 0, 0])
    th = calibrate(video, np.arange(7), rel, rel, y, core, {0: 2, 1: 2}, n_gold_core=2, max_core=1)
    assert 0.3 < th.keep <= 0.4 and th.f1_any == 1.0 and th.untagged == 0.0
    assert th.f1_core == 1.0
    pred = assign_core(video, rel, rel, rel >= 0, 0.0, 1)
    assert pred.tolist() == [True, False, False, False, True, False, False]


def test_thresholds_rescue_the_top_tag_of_a_video_that_keeps_nothing():
    # video 2's only tag is implied, not named: right, but scored below a floor tuned on the others
    video = np.array([0, 0, 0, 1, 1, 1, 2, 3])
    rel = np.array([0.9, 0.8, 0.3, 0.95, 0.4, 0.05, 0.2, 0.1])
    y = np.array([1, 1, 0, 1, 1, 0, 1, 0])
    th = calibrate(video, np.arange(8), rel, rel, y, y, {0: 2, 1: 2, 2: 1, 3: 1}, n_gold_core=5)
    assert 0.3 < th.keep <= 0.4 and th.rescue is not None and 0.1 < th.rescue <= 0.2
    kept = served(video, rel, th.keep, th.rescue, th.max_kept)
    assert kept.tolist() == [True, True, False, True, True, False, True, False]
    assert served(video, rel, th.keep, None, th.max_kept)[6] == False          # without the rescue it is lost
    assert served(video, rel, 0.0, None, 2).tolist() == [True, True, False, True, True, False, True, True]


def test_visual_prototypes_leave_one_out():
    vis = np.eye(3, dtype=np.float32)
    protos = VisualPrototypes.fit(2, vis, np.array([[0, 0], [1, 0], [2, 1]]))
    assert protos.search(vis[2:3], 1)[0][0][0] == 1
    assert protos.cosine(vis[2:3], np.array([1]), np.array([True]))[0] == 0.0   # its only video left out
    assert protos.cosine(vis[2:3], np.array([1]))[0] == pytest.approx(1.0)


def _toy(seed=0, n_videos=80, per_video=10):
    """Pairs whose relevance is a function of the text-vector match and one feature."""
    rng = np.random.default_rng(seed)
    n_tags, d = 60, 16
    tag = rng.standard_normal((n_tags, d)).astype(np.float32)
    video_tags = rng.integers(0, n_tags, (n_videos, 2))
    vt = (tag[video_tags].sum(1) + 0.3 * rng.standard_normal((n_videos, d))).astype(np.float32)
    tables = R.Tables({"text": vt, "gnn": vt.copy(), "visual": rng.standard_normal((n_videos, 4)).astype(np.float32)},
                      rng.random(n_videos) < 0.5, {"text": tag, "gnn": tag.copy()})
    video = np.repeat(np.arange(n_videos), per_video)
    cand = rng.integers(0, n_tags, (n_videos, per_video))
    cand[:, :2] = video_tags
    t = cand.ravel()
    y = (video_tags[video] == t[:, None]).any(1).astype(np.float32)
    x = np.stack([y * 0.5 + rng.random(len(t)), rng.random(len(t))], 1).astype(np.float32)
    core = (video_tags[video, 0] == t).astype(np.float32)
    return tables, R.Pairs(video, t, x, y, core, np.ones(len(t), np.float32), np.ones(len(t), np.float32))


@pytest.mark.parametrize("fusion,adversarial", [("late", False), ("attention", True)])
def test_rank_model_learns_and_is_deterministic(tmp_path, fusion, adversarial):
    tables, pairs = _toy()
    train = pairs.take(np.flatnonzero(pairs.video < 60))
    held = pairs.take(np.flatnonzero(pairs.video >= 60))
    cfg = R.RankConfig(fusion=fusion, adversarial=adversarial, epochs=10, batch_videos=10, hidden=16, lr=1e-2)
    model, hist = R.fit(tables, train, cfg, held, progress=False)
    assert hist[-1]["auc"] > 0.8          # chance is 0.5; 60 toy videos, 10 short epochs
    if adversarial:   # one refit is enough to show a seed fixes the weights
        again, _ = R.fit(tables, train, cfg, progress=False)
        assert np.allclose(R.predict(model, tables, held)[0], R.predict(again, tables, held)[0])
    dims = {f"v_{m}": tables.video[m].shape[1] for m in R.VIDEO_MODALITIES}
    dims.update({f"t_{m}": tables.tag[m].shape[1] for m in R.TAG_MODALITIES})
    R.save(tmp_path, model, cfg, dims, {})
    loaded, cfg2, _ = R.load(tmp_path)
    assert cfg2 == cfg
    assert np.allclose(R.predict(loaded, tables, held)[0], R.predict(model, tables, held)[0])
    # a version saved with another feature set is refused by name, not by a shape error at predict time
    with pytest.raises(ValueError, match=r"trained on \d+ recall features but this code computes 999.*rank-train"):
        R.load(tmp_path, 999)


def test_triplet_loss_uses_hardest_negative_of_same_video():
    import torch

    score = torch.tensor([2.0, 1.5, 0.0, 5.0])
    y = torch.tensor([1.0, 0.0, 0.0, 0.0])
    video = torch.tensor([0, 0, 0, 1])
    loss = R.triplet_loss(score, y, torch.ones(4), video, margin=1.0)
    assert loss.item() == pytest.approx(0.5)       # 1 - (2.0 - 1.5); video 1's 5.0 is not a negative of video 0


def test_learned_baselines_fit_the_rankers_training_pairs_and_read_their_features():
    from tagging.train import Dataset, learned_baselines, role_pairs

    rng = np.random.default_rng(0)
    n_videos, per = 120, 20
    role = np.array(["labelled"] * 80 + ["validation"] * 20 + ["heldout"] * 20)
    video = np.repeat(np.arange(n_videos), per)
    y = (rng.random(len(video)) < 0.2).astype(np.float32)
    x = rng.normal(size=(len(video), len(FEATURES))).astype(np.float32)
    x[:, INDEX["text"]] += 2.0 * y                          # one channel's score carries the signal

    def dataset(labels):
        n = len(video)
        pairs = R.Pairs(video, np.tile(np.arange(per), n_videos), x, labels, labels, np.ones(n, np.float32),
                        np.ones(n, np.float32))
        gold = np.bincount(video, weights=labels, minlength=n_videos)
        return Dataset([f"v{i}" for i in range(n_videos)], role, None, pairs, np.zeros(n, np.float32), {}, gold)

    cfg = R.RankConfig(sparse_fraction=0.0)
    ds = dataset(y)
    out = learned_baselines(ds, cfg, role_pairs(ds, "heldout"), role_pairs(ds, "validation"))
    # a control fitted on training labels shuffled across pairs learns nothing (held-out labels stay true)
    shuffled = rng.permutation(y)
    train = role[video] == "labelled"
    control_ds = dataset(np.where(train, shuffled, y).astype(np.float32))
    control = learned_baselines(control_ds, cfg, role_pairs(control_ds, "heldout"), role_pairs(control_ds, "validation"))
    for name in ("logistic_regression", "gradient_boosting"):
        assert out[name]["auc"] > 0.8 and out[name]["auc_validation"] > 0.8, (name, out[name])
        assert control[name]["auc"] < 0.65, (name, control[name])
        assert out[name]["training_pairs"] == 80 * per
        assert 0 <= out[name]["heldout_ranking"]["precision@5"] <= 1
