"""Generate docs/TAXONOMY.md from taxonomy/taxonomy.yaml."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from taxonomy.tree import flatten, load_taxonomy  # noqa: E402


def render(tax: dict) -> str:
    nodes = flatten(tax)
    tops = sum(1 for n in nodes if n["level"] == 1)
    out = ["# Taxonomy", "",
           f"Version {tax['version']}: {tops} top classes and {len(nodes) - tops} subclasses, down to level "
           f"{max(n['level'] for n in nodes)}. Generated from `taxonomy/taxonomy.yaml` by `scripts/taxonomy_doc.py`; "
           "`tagkg init-db` loads it as the `(:Category)-[:SUBCLASS_OF]->(:Category)` tree.", "",
           "| id | 中文 | English | level | definition | examples |", "|---|---|---|---:|---|---|"]
    for n in nodes:
        indent = "&nbsp;&nbsp;" * 2 * (n["level"] - 1)
        out.append(f"| {indent}`{n['id']}` | {n['zh']} | {n['en']} | {n['level']} | {n['definition']} | "
                   f"{'、'.join(n['examples'])} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "TAXONOMY.md").write_text(render(load_taxonomy()))
