"""labelmodel.metrics, popularity and split on small hand-computed cases (no services)."""
import math

import pytest

from labelmodel.metrics import evaluate, frequency_buckets, frequency_slice, literal_slice
from labelmodel.popularity import popularity
from labelmodel.split import side_of, split_ids

GOLD = {"v1": {"a", "b"}, "v2": {"c"}}
RANKED = {"v1": ["a", "x", "b", "y", "z", "w"], "v2": ["x", "y"]}   # v2's gold tag c is never ranked
SERVED = {"v1": {"a", "x"}, "v2": set()}
PINNED = (1970, 2029)  # test and validation videos among v0000000..v0019999


def test_overall_metrics_by_hand():
    m = evaluate(GOLD, RANKED, n_library=10, served=SERVED)["overall"]
    assert (m["videos"], m["pairs"]) == (2, 3)
    assert m["recall@1"] == pytest.approx((1 / 2 + 0) / 2)
    assert m["recall@5"] == pytest.approx((1 + 0) / 2) and m["recall@20"] == pytest.approx(0.5)
    assert m["precision@5"] == pytest.approx((2 / 5 + 0 / 2) / 2)
    assert m["f1@5"] == pytest.approx(2 * 0.2 * 0.5 / 0.7)
    ideal = 1 + 1 / math.log2(3)
    assert m["ndcg@5"] == pytest.approx((1.5 / ideal + 0) / 2)
    # a at 1, b at 3; c unranked: 2 ranked, so the mean of positions 3..10 = 6.5
    assert m["mean_rank"] == pytest.approx((1 + 3 + 6.5) / 3)
    assert m["served_precision"] == pytest.approx(1 / 2) and m["served_recall"] == pytest.approx(1 / 3)
    assert m["served_f1"] == pytest.approx(2 * 0.5 / 3 / (0.5 + 1 / 3))
    assert m["untagged"] == pytest.approx(0.5) and m["served_per_video"] == pytest.approx(1.0)


def test_literal_slices_keep_full_ranking_positions():
    texts = {"v1": "今天吃a很开心", "v2": ""}
    surfaces = {"a": ["a"], "b": ["bb"], "c": ["c"]}
    out = evaluate(GOLD, RANKED, 10, SERVED, slices={"literal": literal_slice(texts, surfaces)})["literal"]
    lit, imp = out["literal"], out["implied"]
    assert (lit["videos"], lit["recall@1"], lit["mean_rank"]) == (1, 1.0, 1.0)
    assert (imp["videos"], imp["recall@1"]) == (2, 0.0)
    assert imp["recall@5"] == pytest.approx(0.5)                # b at rank 3 of the full ranking
    assert imp["precision@5"] == pytest.approx((1 / 4 + 0) / 2)  # v1's top 5 without the literal a
    assert imp["mean_rank"] == pytest.approx((3 + 6.5) / 2)
    assert imp["served_precision"] == 0.0 and imp["untagged"] == pytest.approx(0.5)


def test_frequency_buckets_from_training_counts():
    train = [{"a", "b"}, {"a"}, {"a", "c"}, {"b"}]          # a 3, b 2, c 1 of 6 pairs
    buckets = frequency_buckets(train)
    assert buckets == {"a": "head", "b": "torso", "c": "tail"}
    slicer = frequency_slice(buckets)
    assert slicer("v", "never-seen") == "tail"
    out = evaluate({"v1": {"a", "c"}}, {"v1": ["c", "a"]}, 5, slices={"freq": slicer})["freq"]
    assert set(out) == {"head", "tail"} and out["tail"]["recall@1"] == 1.0 and out["head"]["mean_rank"] == 2.0


def test_popularity_baseline():
    assert popularity([{"a", "b"}, {"a"}, {"a", "c"}, {"b"}], 2) == [("a", 0.75), ("b", 0.5)]
    assert popularity([{"b"}, {"a"}], 5) == [("a", 0.5), ("b", 0.5)]  # ties by id


def test_split_is_a_stable_function_of_the_id():
    ids = [f"v{i:07d}" for i in range(20_000)]
    sides = split_ids(ids)
    shares = {s: len(v) / len(ids) for s, v in sides.items()}
    assert abs(shares["test"] - 0.1) < 0.01 and abs(shares["validation"] - 0.1) < 0.01
    assert split_ids(reversed(ids))["test"] == sides["test"][::-1]      # order does not matter
    assert all(side_of(v) == "test" for v in sides["test"][:100])
    # pinned: changing the salt or the shares would move videos across sides and void old evaluations
    assert (len(sides["test"]), len(sides["validation"])) == PINNED


def test_recall_curve_keys():
    m = evaluate(GOLD, RANKED, 10, ks=range(1, 4))["overall"]
    assert [m[f"recall@{k}"] for k in (1, 2, 3)] == pytest.approx([0.25, 0.25, 0.5])
    assert "recall@5" not in m and m["f1@5"] == pytest.approx(2 * 0.2 * 0.5 / 0.7)
