"""Load, validate and walk the versioned taxonomy tree of atomic-tag categories."""
from __future__ import annotations

from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).with_name("taxonomy.yaml")
TOP_CLASSES = ("time", "place", "being", "event", "object", "ip", "org", "number")
MAX_DEPTH = 4
_FIELDS = ("id", "zh", "en", "definition", "examples", "children")


def load_taxonomy(path: str | Path | None = None) -> dict:
    """Parse the taxonomy yaml (default: the packaged file) and validate it; ValueError if malformed."""
    with open(path or DEFAULT_PATH, encoding="utf-8") as f:
        tax = yaml.safe_load(f)
    validate(tax)
    return tax


def validate(tax: dict) -> None:
    """Raise ValueError unless `tax` has a version, the 8 top classes, unique ids and depth <= 4."""
    if not isinstance(tax, dict) or not isinstance(tax.get("version"), int):
        raise ValueError("taxonomy: top-level mapping with an integer `version` is required")
    tops = tax.get("classes")
    if not isinstance(tops, list):
        raise ValueError("taxonomy: `classes` must be a list of top classes")
    top_ids = tuple(node.get("id") for node in tops if isinstance(node, dict))
    if sorted(top_ids) != sorted(TOP_CLASSES) or len(tops) != len(TOP_CLASSES):
        raise ValueError(f"taxonomy: top classes must be exactly {TOP_CLASSES}, got {top_ids}")
    seen: set[str] = set()
    for node, level, parent in _walk(tops):
        missing = [k for k in _FIELDS if k not in node]
        if missing:
            raise ValueError(f"taxonomy: node {node.get('id')!r} lacks fields {missing}")
        cid = node["id"]
        if not isinstance(cid, str) or not cid.isascii() or " " in cid:
            raise ValueError(f"taxonomy: id {cid!r} must be an ascii dotted path")
        if cid in seen:
            raise ValueError(f"taxonomy: duplicate id {cid!r}")
        seen.add(cid)
        if level > MAX_DEPTH:
            raise ValueError(f"taxonomy: {cid!r} is at level {level}, deeper than {MAX_DEPTH}")
        if parent is not None and not cid.startswith(parent + "."):
            raise ValueError(f"taxonomy: {cid!r} must extend its parent's id {parent!r}")
        if not isinstance(node["examples"], list) or not 2 <= len(node["examples"]) <= 5:
            raise ValueError(f"taxonomy: {cid!r} needs 2-5 examples")
        if not isinstance(node["children"], list):
            raise ValueError(f"taxonomy: {cid!r} children must be a list")


def flatten(tax: dict) -> list[dict]:
    """Every node, depth-first, as {id, zh, en, definition, examples, level, parent}."""
    return [
        {"id": n["id"], "zh": n["zh"], "en": n["en"], "definition": n["definition"],
         "examples": list(n["examples"]), "level": level, "parent": parent}
        for n, level, parent in _walk(tax["classes"])
    ]


def leaves(tax: dict) -> list[str]:
    """Ids of the nodes without children, depth-first."""
    return [n["id"] for n, _, _ in _walk(tax["classes"]) if not n["children"]]


def top_class(cat_id: str) -> str:
    """The top-class id of a category id (its first dotted segment)."""
    return cat_id.split(".", 1)[0]


def _walk(nodes: list, level: int = 1, parent: str | None = None):
    """Yield (node, level, parent id) depth-first."""
    for node in nodes:
        if not isinstance(node, dict):
            raise ValueError(f"taxonomy: node under {parent!r} is not a mapping")
        yield node, level, parent
        yield from _walk(node.get("children") or [], level + 1, node.get("id"))
