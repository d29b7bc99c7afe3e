"""Neo4j access: the driver, the schema and every Cypher statement (queries.py)."""
