"""Taxonomy of atomic-tag categories: 8 top classes and their subclasses, loaded from taxonomy.yaml."""
from taxonomy.tree import flatten, leaves, load_taxonomy, top_class

__all__ = ["load_taxonomy", "flatten", "leaves", "top_class"]
