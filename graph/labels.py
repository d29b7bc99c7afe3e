"""The one label reader: the human labels every stage trains and evaluates on, read from Neo4j.

Labels enter the graph only through `tagkg load labels` and curator edits (HAS_TAG edges whose source is
not 'tagger'); which of them a stage may see is decided by labelmodel/split.py."""
from __future__ import annotations

from graph.cypher import reads as Q

# The one HAS_TAG source the tagger writes (cypher.tagging.TAGGING_WRITE) and replaces on every retag; every
# other source is a person's label.
MACHINE_SOURCE = "tagger"


def read_labels(graph, prefix: str = "") -> dict[str, tuple[list[str], list[str]]]:
    """video id -> (core tag ids, related tag ids), sorted by video id."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for r in graph.query(Q.LABELS, prefix=prefix):
        core, related = out.setdefault(r["video"], ([], []))
        (core if r["role"] == "core" else related).append(r["tag"])
    return out
