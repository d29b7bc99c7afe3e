"""Create the graph model idempotently: constraints, indexes and the taxonomy tree."""
from __future__ import annotations

from graph.cypher import schema as Q
from graph.db import Graph


def init_db(graph: Graph, taxonomy: dict | None = None) -> dict:
    """Create constraints and indexes, then merge the taxonomy; safe to run any number of times."""
    for statement in Q.SCHEMA:
        graph.execute(statement)
    # vector indexes made by an older tagkg (quantized) are rebuilt at their size
    for label in Q.VECTOR_INDEX_NAMES:
        config = _vector_index_config(graph, label)
        if config:
            _make_vector_index(graph, label, config["vector.dimensions"], config)
    graph.execute(Q.AWAIT_INDEXES, timeout_s=300)
    categories = load_taxonomy(graph, taxonomy) if taxonomy is not None else 0
    return {"indexes": len(graph.query(Q.SHOW_SCHEMA)), "categories": categories}


def load_taxonomy(graph: Graph, taxonomy: dict) -> int:
    """Merge the (:Category)-[:SUBCLASS_OF]->(:Category) tree, parents before children."""
    from taxonomy.tree import flatten

    nodes = flatten(taxonomy)
    graph.execute(Q.MERGE_CATEGORIES, rows=nodes, version=taxonomy["version"])
    graph.execute(Q.LINK_CATEGORIES, rows=nodes)
    return len(nodes)


def ensure_vector_index(graph: Graph, label: str, dim: int) -> None:
    """Create the cosine vector index for `label`.embedding, replacing one of another size or quantized."""
    if label not in Q.CREATE_VECTOR_INDEX:
        raise ValueError(f"no vector index defined for label {label!r}")
    _make_vector_index(graph, label, int(dim), _vector_index_config(graph, label))


def _vector_index_config(graph: Graph, label: str) -> dict | None:
    rows = graph.query(Q.VECTOR_INDEX_CONFIG, name=Q.VECTOR_INDEX_NAMES[label])
    return rows[0]["config"] if rows else None


def _make_vector_index(graph: Graph, label: str, dim: int, config: dict | None) -> None:
    # CREATE ... IF NOT EXISTS keeps an index whatever its options, so a model with another output
    # size, or an index made before quantization was turned off, would otherwise stay as it is.
    if config and (config.get("vector.dimensions") != dim or config.get("vector.quantization.enabled", False)):
        graph.execute(Q.DROP_VECTOR_INDEX[label])
    graph.execute(Q.CREATE_VECTOR_INDEX[label], dim=dim)
