"""labelmodel.serve: the floor and rescue chosen on validation, by hand (no services)."""
import pytest

from labelmodel.serve import ServePolicy, fit_policy

GOLD = {"v1": {"a"}, "v2": {"b"}, "v3": {"c"}}
SCORED = {"v1": [("a", 0.9), ("x", 0.8)], "v2": [("b", 0.3), ("y", 0.2)], "v3": [("z", 0.25), ("c", 0.1)]}


def test_rescue_serves_a_likely_top_tag_below_the_floor():
    policy, fig = fit_policy(SCORED, GOLD, max_tags=5)
    # the best plain floor reaches F1 2/3 (keep a, x, b); a high floor plus the rescue of v2's top tag gets .8
    assert fig["f1"] == pytest.approx(0.8) and fig["untagged"] == pytest.approx(1 / 3)
    assert [policy.serve(SCORED[v]) for v in ("v1", "v2", "v3")] == [["a"], ["b"], []]
    assert policy.rescue <= policy.floor


def test_untagged_cap_trades_f1_for_coverage():
    policy, fig = fit_policy(SCORED, GOLD, max_tags=5, max_untagged=0.0)
    assert fig["untagged"] == 0.0 and fig["f1"] == pytest.approx(2 / 3)
    assert all(policy.serve(SCORED[v]) for v in GOLD)


def test_policy_caps_tags_per_video():
    p = ServePolicy(floor=0.1, rescue=0.1, max_tags=1)
    assert p.serve([("a", 0.9), ("b", 0.8)]) == ["a"] and p.serve([]) == []
