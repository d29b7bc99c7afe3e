"""Schema (tagkg init-db), vector indexes and health checks; each statement is idempotent."""

SCHEMA = [
    "CREATE CONSTRAINT tag_id IF NOT EXISTS FOR (t:Tag) REQUIRE t.id IS UNIQUE",
    "CREATE CONSTRAINT category_id IF NOT EXISTS FOR (c:Category) REQUIRE c.id IS UNIQUE",
    "CREATE CONSTRAINT video_id IF NOT EXISTS FOR (v:Video) REQUIRE v.id IS UNIQUE",
    "CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT query_text IF NOT EXISTS FOR (q:Query) REQUIRE q.text IS UNIQUE",
    "CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE",
    "CREATE CONSTRAINT mining_run_id IF NOT EXISTS FOR (m:MiningRun) REQUIRE m.id IS UNIQUE",
    "CREATE CONSTRAINT alias_candidate_id IF NOT EXISTS FOR (a:AliasCandidate) REQUIRE a.id IS UNIQUE",
    "CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (m:Meta) REQUIRE m.id IS UNIQUE",
    "CREATE INDEX tag_name IF NOT EXISTS FOR (t:Tag) ON (t.name)",
    "CREATE INDEX tag_status IF NOT EXISTS FOR (t:Tag) ON (t.status)",
    "CREATE INDEX video_created IF NOT EXISTS FOR (v:Video) ON (v.created_at)",
    "CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at)",
    "CREATE INDEX change_tag IF NOT EXISTS FOR (c:Change) ON (c.tag_id)",
    # Set only while a tag is approved: two approved tags can never share a normalised name,
    # even when two curators approve look-alike candidates at the same moment.
    "CREATE CONSTRAINT tag_approved_key IF NOT EXISTS FOR (t:Tag) REQUIRE t.approved_key IS UNIQUE",
    "CREATE FULLTEXT INDEX tag_search IF NOT EXISTS FOR (t:Tag) ON EACH [t.name, t.alias_text]",
]

# Vector indexes need the dimension, known once embeddings exist (gnn issue); $dim is a parameter.
# Quantization is off: Neo4j 5.26 quantizes by default, which moves scores away from the exact
# cosine FAISS reports and lowers recall (bench/vector_latency).
VECTOR_INDEX_OPTIONS = ("OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine', "
                        "`vector.quantization.enabled`: false}}")

VECTOR_INDEX_NAMES = {"Tag": "tag_embedding", "Video": "video_embedding"}

# Index names and labels cannot be parameters in schema commands, hence one statement per label.
CREATE_VECTOR_INDEX = {label: f"CREATE VECTOR INDEX {name} IF NOT EXISTS FOR (n:{label}) ON n.embedding "
                              + VECTOR_INDEX_OPTIONS for label, name in VECTOR_INDEX_NAMES.items()}

DROP_VECTOR_INDEX = {label: f"DROP INDEX {name} IF EXISTS" for label, name in VECTOR_INDEX_NAMES.items()}

VECTOR_INDEX_CONFIG = "SHOW INDEXES YIELD name, options WHERE name = $name RETURN options.indexConfig AS config"

SHOW_SCHEMA = """
SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state
RETURN name, type, labelsOrTypes, properties, state ORDER BY name
"""

MERGE_CATEGORIES = """
UNWIND $rows AS r
MERGE (c:Category {id: r.id})
SET c.zh = r.zh, c.en = r.en, c.name = r.zh, c.definition = r.definition,
    c.examples = r.examples, c.level = r.level, c.taxonomy_version = $version
"""

LINK_CATEGORIES = """
UNWIND $rows AS r
MATCH (c:Category {id: r.id})
OPTIONAL MATCH (c)-[old:SUBCLASS_OF]->(p:Category) WHERE p.id <> r.parent
DELETE old
WITH DISTINCT c, r WHERE r.parent IS NOT NULL
MATCH (p:Category {id: r.parent})
MERGE (c)-[:SUBCLASS_OF]->(p)
"""

PING = "RETURN 1 AS ok"

INDEX_STATES = "SHOW INDEXES YIELD name, state RETURN name, state ORDER BY name"

# Waits for every index to come online; the argument is a timeout in seconds.
AWAIT_INDEXES = "CALL db.awaitIndexes($timeout_s)"

# The server's function and procedure catalog: /v1/cypher checks the names in a query's plan against it.
FUNCTION_CATALOG = "SHOW FUNCTIONS YIELD name, isBuiltIn RETURN name, isBuiltIn"
PROCEDURE_CATALOG = "SHOW PROCEDURES YIELD name RETURN name"

# The library version: every curator change and every tag or label load bumps it; the tagger's cache reads
# it, so an approval, a merge, a rename or a new label reaches the next tagging call without a restart.
LIBRARY_VERSION = "OPTIONAL MATCH (m:Meta {id: 'library'}) RETURN coalesce(m.version, 0) AS version"
BUMP_LIBRARY = "MERGE (m:Meta {id: 'library'}) SET m.version = coalesce(m.version, 0) + 1"
