"""Taxonomy tree: shape of the packaged yaml, the pure helpers, and validation errors."""
from __future__ import annotations

import copy

import pytest
import yaml

from taxonomy import flatten, leaves, load_taxonomy, top_class
from taxonomy.tree import DEFAULT_PATH, TOP_CLASSES, validate


@pytest.fixture(scope="module")
def tax() -> dict:
    return load_taxonomy()


def test_version_and_top_classes(tax):
    assert tax["version"] == 1
    tops = [n for n in flatten(tax) if n["level"] == 1]
    assert [n["id"] for n in tops] == list(TOP_CLASSES)
    assert {n["zh"] for n in tops} == {"时间", "地点", "人物/动植物", "事情", "物品", "IP", "机构名", "数值"}
    assert all(n["parent"] is None for n in tops)


def test_about_fifty_subclasses_down_to_level_four(tax):
    nodes = flatten(tax)
    subclasses = [n for n in nodes if n["level"] > 1]
    assert 45 <= len(subclasses) <= 70
    assert max(n["level"] for n in nodes) == 4
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids))


def test_every_node_is_complete(tax):
    by_id = {n["id"]: n for n in flatten(tax)}
    for node in by_id.values():
        assert node["id"].isascii() and node["zh"] and node["en"] and node["definition"]
        assert 2 <= len(node["examples"]) <= 5
        if node["parent"] is not None:
            parent = by_id[node["parent"]]
            assert node["id"].startswith(parent["id"] + ".")
            assert node["level"] == parent["level"] + 1


def test_leaves_and_top_class(tax):
    found = leaves(tax)
    assert "place.city" in found and "object.clothing.accessory.bag" in found
    assert "object.clothing" not in found
    assert {top_class(leaf) for leaf in found} == set(TOP_CLASSES)
    assert top_class("object.clothing.dress") == "object"
    assert top_class("time") == "time"


def _write(tmp_path, tax) -> str:
    path = tmp_path / "tax.yaml"
    path.write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_load_from_a_path(tmp_path, tax):
    assert load_taxonomy(_write(tmp_path, tax)) == tax
    assert load_taxonomy(DEFAULT_PATH) == tax


@pytest.mark.parametrize("breakage, message", [
    (lambda t: t.pop("version"), "version"),
    (lambda t: t["classes"].pop(), "top classes"),
    (lambda t: t["classes"][0]["children"].append(copy.deepcopy(t["classes"][0]["children"][0])),
     "duplicate"),
    (lambda t: t["classes"][4]["children"][0]["children"][4]["children"][0]["children"].append(
        {"id": "object.clothing.accessory.hat.straw", "zh": "草帽", "en": "straw hat", "definition": "d",
         "examples": ["草帽", "渔夫帽"], "children": []}), "deeper"),
    (lambda t: t["classes"][1]["children"][0].pop("zh"), "lacks"),
    (lambda t: t["classes"][1]["children"][0].update(id="地点.国家"), "ascii"),
    (lambda t: t["classes"][1]["children"][0].update(examples=["日本"]), "examples"),
])
def test_validation_errors(tax, breakage, message):
    broken = copy.deepcopy(tax)
    breakage(broken)
    with pytest.raises(ValueError, match=message):
        validate(broken)
