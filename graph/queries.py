"""Every Cypher statement tagkg runs, as named constants. Values always travel as $parameters."""

# --- schema (tagkg init-db); each statement is idempotent -------------------------------------
SCHEMA = [
    "CREATE CONSTRAINT tag_id IF NOT EXISTS FOR (t:Tag) REQUIRE t.id IS UNIQUE",
    "CREATE CONSTRAINT category_id IF NOT EXISTS FOR (c:Category) REQUIRE c.id IS UNIQUE",
    "CREATE CONSTRAINT video_id IF NOT EXISTS FOR (v:Video) REQUIRE v.id IS UNIQUE",
    "CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT query_text IF NOT EXISTS FOR (q:Query) REQUIRE q.text IS UNIQUE",
    "CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE",
    "CREATE CONSTRAINT mining_run_id IF NOT EXISTS FOR (m:MiningRun) REQUIRE m.id IS UNIQUE",
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

# --- taxonomy ------------------------------------------------------------------------------------
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

# --- loaders: one batch of validated rows each --------------------------------------------------
MERGE_VIDEOS = """
UNWIND $rows AS r
MERGE (v:Video {id: r.id})
SET v += r.props
"""

MERGE_PRODUCTS = """
UNWIND $rows AS r
MERGE (p:Product {id: r.id})
SET p.title = r.title, p.category = r.category
WITH p, r
UNWIND r.video_ids AS vid
MATCH (v:Video {id: vid})
MERGE (v)-[:FEATURES]->(p)
"""

# Click rows are daily aggregates. A CLICKED edge keeps parallel lists days/counts so the time
# series stays available for trend detection. A load replaces a day's count ($add = false: reruns
# are idempotent); API feedback events add to it ($add = true). Rows are pre-grouped per edge.
_MERGE_CLICK_SERIES = """
WITH c, r, apoc.map.fromLists(coalesce(c.days, []), coalesce(c.counts, [])) AS old
WITH c, apoc.map.merge(old, apoc.map.fromLists(r.days,
       [i IN range(0, size(r.days) - 1) | CASE WHEN $add THEN coalesce(old[r.days[i]], 0) ELSE 0 END + r.counts[i]])) AS m
WITH c, m, apoc.coll.sort(keys(m)) AS ds
SET c.days = ds, c.counts = [d IN ds | m[d]],
    c.count = reduce(total = 0, d IN ds | total + m[d]),
    c.first_at = date(head(ds)), c.last_at = date(last(ds))
"""

MERGE_QUERY_CLICKS = """
UNWIND $rows AS r
MATCH (v:Video {id: r.video_id})
MERGE (q:Query {text: r.query})
MERGE (q)-[c:CLICKED]->(v)
""" + _MERGE_CLICK_SERIES

MERGE_TAG_CLICKS = """
UNWIND $rows AS r
MATCH (v:Video {id: r.video_id})
MATCH (t:Tag {id: r.tag_id})
MERGE (t)-[c:CLICKED]->(v)
""" + _MERGE_CLICK_SERIES

# Tags: updated_at moves only when a loaded value differs, so reloading a file changes nothing.
MERGE_TAGS = """
UNWIND $rows AS r
MERGE (t:Tag {id: r.id})
ON CREATE SET t.created_at = datetime()
WITH t, r, (t.name IS NULL OR t.name <> r.name OR t.status <> r.status OR t.aliases <> r.aliases
            OR t.source <> r.source OR t.kind <> r.kind) AS changed
SET t.name = r.name, t.status = r.status, t.aliases = r.aliases, t.source = r.source,
    t.kind = r.kind, t.alias_text = apoc.text.join(r.aliases, ' '),
    t.approved_key = CASE WHEN r.status = 'approved' THEN r.key END,
    t.updated_at = CASE WHEN changed THEN datetime() ELSE t.updated_at END
FOREACH (_ IN CASE WHEN r.kind = 'atomic' THEN [1] ELSE [] END | SET t:Atomic REMOVE t:Phrase)
FOREACH (_ IN CASE WHEN r.kind = 'phrase' THEN [1] ELSE [] END | SET t:Phrase REMOVE t:Atomic)
WITH t, r
CALL (t, r) {
  OPTIONAL MATCH (t)-[old:IN_CATEGORY]->(c:Category) WHERE c.id <> coalesce(r.category, '')
  DELETE old
}
CALL (t, r) {
  WITH t, r WHERE r.category IS NOT NULL
  MATCH (c:Category {id: r.category})
  MERGE (t)-[ic:IN_CATEGORY]->(c)
  ON CREATE SET ic.confidence = 1.0, ic.method = 'curated'
}
CALL (t, r) {
  OPTIONAL MATCH (t)-[old:COMPOSED_OF]->(a:Tag)
  WHERE size(r.components) <= old.position OR r.components[old.position] <> a.id
  DELETE old
}
CALL (t, r) {
  UNWIND range(0, size(r.components) - 1) AS i
  MATCH (a:Tag {id: r.components[i]})
  MERGE (t)-[co:COMPOSED_OF {position: i}]->(a)
}
"""

# --- reference checks (rows that point at missing nodes are rejected, not dropped) --------------
EXISTING_VIDEOS = "UNWIND $ids AS id MATCH (v:Video {id: id}) RETURN collect(id) AS found"
EXISTING_TAGS = "UNWIND $ids AS id MATCH (t:Tag {id: id}) RETURN collect(id) AS found"
APPROVED_KEY_OWNERS = """
UNWIND $rows AS r
MATCH (t:Tag {approved_key: r.key}) WHERE t.id <> r.id
RETURN r.id AS id, t.id AS owner
"""
EXISTING_CATEGORIES = "UNWIND $ids AS id MATCH (c:Category {id: id}) RETURN collect(id) AS found"

# --- reads served by the API and CLI -------------------------------------------------------------
VIDEO_DETAIL = """
MATCH (v:Video {id: $id})
OPTIONAL MATCH (v)-[:FEATURES]->(p:Product)
WITH v, collect(p {.id, .title, .category}) AS products
OPTIONAL MATCH (v)-[h:HAS_TAG]->(t:Tag)
RETURN v {.id, .title, .summary, .asr, .ocr, .created_at, .author, .duration_s} AS video, products,
       collect(CASE WHEN t IS NULL THEN NULL ELSE {id: t.id, name: t.name, score: h.score, role: h.role} END) AS tags
"""

TAG_DETAIL = """
MATCH (t:Tag {id: $id})
OPTIONAL MATCH (t)-[ic:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH path = (c)-[:SUBCLASS_OF*0..]->(top:Category) WHERE NOT (top)-[:SUBCLASS_OF]->()
OPTIONAL MATCH (t)-[co:COMPOSED_OF]->(a:Tag)
WITH t, ic, [n IN reverse(nodes(path)) | n.id] AS taxonomy_path, co, a ORDER BY co.position
RETURN t {.id, .name, .kind, .status, .aliases, .source} AS tag, taxonomy_path,
       ic.confidence AS category_confidence, collect(a {.id, .name}) AS components
"""

# --- counts and clean-up --------------------------------------------------------------------------
COUNT_LABELS = """
CALL () { MATCH (n:Video) RETURN count(n) AS videos }
CALL () { MATCH (n:Product) RETURN count(n) AS products }
CALL () { MATCH (n:Tag) RETURN count(n) AS tags }
CALL () { MATCH (n:Query) RETURN count(n) AS queries }
CALL () { MATCH (n:Category) RETURN count(n) AS categories }
CALL () { MATCH ()-[r:CLICKED]->() RETURN count(r) AS clicks }
CALL () { MATCH ()-[r:FEATURES]->() RETURN count(r) AS features }
RETURN videos, products, tags, queries, categories, clicks, features
"""

# --- curation (curation/ops.py); each runs inside one write transaction -------------------------
# Taking the node's write lock first makes the following read see the last committed state, so
# two curators acting on one tag at once are serialised instead of both passing the checks.
LOCK_TAG = """
MATCH (t:Tag {id: $id}) SET t.lock_seq = coalesce(t.lock_seq, 0) + 1
RETURN t {.id, .name, .kind, .status, .aliases, .approved_key, .score} AS tag
"""

TAG_CATEGORY = "MATCH (:Tag {id: $id})-[ic:IN_CATEGORY]->(c:Category) RETURN c.id AS category, ic.confidence AS confidence, ic.method AS method"

SET_TAG_FIELDS = """
MATCH (t:Tag {id: $id})
SET t += $fields, t.updated_at = datetime()
"""

SET_ALIASES = """
MATCH (t:Tag {id: $id})
SET t.aliases = $aliases, t.alias_text = apoc.text.join($aliases, ' '), t.updated_at = datetime()
"""

RECORD_CHANGE = """
MATCH (t:Tag {id: $tag_id})
CREATE (c:Change {id: randomUUID(), at: datetime(), who: $who, action: $action, tag_id: $tag_id,
                  reason: $reason, before: $before, after: $after})
CREATE (c)-[:CHANGED]->(t)
RETURN c.id AS id, toString(c.at) AS at
"""

SET_CATEGORY = """
MATCH (t:Tag {id: $id}), (c:Category {id: $category})
OPTIONAL MATCH (t)-[old:IN_CATEGORY]->(:Category)
DELETE old
MERGE (t)-[ic:IN_CATEGORY]->(c)
SET ic.confidence = $confidence, ic.method = $method
"""

CATEGORY_EXISTS = "MATCH (c:Category {id: $id}) RETURN c.id AS id"

TAG_EDGES = """
MATCH (t:Tag {id: $id})-[r]-(o)
WHERE NOT type(r) IN ['MERGED_INTO', 'CHANGED'] AND o <> t
RETURN type(r) AS type, startNode(r) = t AS out, elementId(o) AS other, o.id AS other_id,
       properties(r) AS props
"""

# Dynamic relationship types ($(...), Cypher 5.26) let one statement move any edge kind.
MOVE_EDGE_OUT = """
MATCH (s:Tag {id: $survivor}), (o) WHERE elementId(o) = $other
OPTIONAL MATCH (s)-[existing:$($type)]->(o)
WITH s, o, existing
CALL (s, o, existing) {
  WITH s, o WHERE existing IS NULL
  CREATE (s)-[r:$($type)]->(o) SET r = $props
}
RETURN existing IS NULL AS created
"""
MOVE_EDGE_IN = """
MATCH (s:Tag {id: $survivor}), (o) WHERE elementId(o) = $other
OPTIONAL MATCH (s)<-[existing:$($type)]-(o)
WITH s, o, existing
CALL (s, o, existing) {
  WITH s, o WHERE existing IS NULL
  CREATE (s)<-[r:$($type)]-(o) SET r = $props
}
RETURN existing IS NULL AS created
"""
DELETE_TAG_EDGES = """
MATCH (t:Tag {id: $id})-[r]-(o)
WHERE NOT type(r) IN ['MERGED_INTO', 'CHANGED']
DELETE r
"""
CREATE_MERGED_INTO = """
MATCH (l:Tag {id: $loser}), (s:Tag {id: $survivor})
MERGE (l)-[m:MERGED_INTO]->(s) SET m.at = datetime(), m.change_id = $change_id
"""

LAST_MERGE = """
MATCH (c:Change {tag_id: $id, action: 'merge'})
WHERE NOT coalesce(c.undone, false)
RETURN c.id AS id, c.before AS before, c.after AS after ORDER BY c.at DESC LIMIT 1
"""
RESTORE_EDGE_OUT = """
MATCH (l:Tag {id: $loser}), (o) WHERE elementId(o) = $other
CREATE (l)-[r:$($type)]->(o) SET r = $props
WITH o WHERE $created
MATCH (:Tag {id: $survivor})-[x:$($type)]->(o) DELETE x
"""
RESTORE_EDGE_IN = """
MATCH (l:Tag {id: $loser}), (o) WHERE elementId(o) = $other
CREATE (l)<-[r:$($type)]-(o) SET r = $props
WITH o WHERE $created
MATCH (:Tag {id: $survivor})<-[x:$($type)]-(o) DELETE x
"""
DELETE_MERGED_INTO = "MATCH (:Tag {id: $loser})-[m:MERGED_INTO]->() DELETE m"
MARK_UNDONE = "MATCH (c:Change {id: $change_id}) SET c.undone = true"

LIST_CANDIDATES = """
MATCH (t:Tag)
WHERE t.status = $status
  AND ($kind IS NULL OR t.kind = $kind)
  AND ($min_score IS NULL OR t.score >= $min_score)
  AND ($pipeline IS NULL OR $pipeline IN coalesce(t.pipelines, []))
  AND ($q IS NULL OR t.name CONTAINS $q)
WITH t ORDER BY
  CASE WHEN $sort = 'score' THEN -coalesce(t.score, 0.0) ELSE 0 END,
  CASE WHEN $sort = 'recent' THEN t.created_at END DESC,
  CASE WHEN $sort = 'name' THEN t.name END,
  t.id
SKIP $offset LIMIT $limit
RETURN t {.id, .name, .kind, .status, .score, .pipelines, .hot, .evidence, .components_proposed,
          created_at: toString(t.created_at)} AS tag
"""

TAG_HISTORY = """
MATCH (c:Change)-[:CHANGED]->(:Tag {id: $id})
RETURN c {.id, .who, .action, .reason, .before, .after, .undone, at: toString(c.at)} AS change
ORDER BY c.at DESC, c.id
"""

# --- mining (mining/store.py) -----------------------------------------------------------------------
# Keyset pagination by id keeps each read small and the stream restartable.
VIDEO_TEXT_PAGE = """
MATCH (v:Video) WHERE v.id > $after
WITH v ORDER BY v.id LIMIT $limit
RETURN v.id AS id, v.title AS title, v.summary AS summary, v.asr AS asr, v.ocr AS ocr,
       v.created_at AS created_at
"""

QUERY_DAYS_PAGE = """
MATCH (q:Query) WHERE q.text > $after
WITH q ORDER BY q.text LIMIT $limit
OPTIONAL MATCH (q)-[c:CLICKED]->()
WITH q, apoc.coll.toSet(apoc.coll.flatten(collect(coalesce(c.days, [])))) AS days
RETURN q.text AS text, days
"""

LIBRARY_TAGS = """
MATCH (t:Tag)
OPTIONAL MATCH (t)-[:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH (t)-[co:COMPOSED_OF]->(a:Tag)
WITH t, c, co, a ORDER BY co.position
RETURN t.id AS id, t.name AS name, t.kind AS kind, t.status AS status, t.aliases AS aliases,
       c.id AS category, [x IN collect(a.id) WHERE x IS NOT NULL] AS components
"""

MERGE_CANDIDATES = """
UNWIND $rows AS r
MERGE (t:Tag {id: r.id})
ON CREATE SET t.created_at = datetime(), t.status = 'candidate', t.source = 'mining', t.aliases = [],
              t.alias_text = '', t.first_run = $run_id
WITH t, r WHERE t.status = 'candidate'
SET t.name = r.name, t.kind = r.kind, t.score = r.score, t.pipelines = r.pipelines,
    t.scores = r.scores_json, t.evidence = r.evidence_json, t.hot = r.hot, t.last_run = $run_id,
    t.updated_at = datetime()
FOREACH (_ IN CASE WHEN r.kind = 'atomic' THEN [1] ELSE [] END | SET t:Atomic REMOVE t:Phrase)
FOREACH (_ IN CASE WHEN r.kind = 'phrase' THEN [1] ELSE [] END | SET t:Phrase REMOVE t:Atomic)
WITH t, r
CALL (t, r) {
  UNWIND range(0, size(r.components) - 1) AS i
  MATCH (a:Tag {id: r.components[i]})
  MERGE (t)-[co:COMPOSED_OF {position: i}]->(a)
}
"""

RECORD_MINING_RUN = """
CREATE (m:MiningRun {id: $id, at: datetime(), pipelines: $pipelines, docs: $docs, proposed: $proposed,
                     stored: $stored, seconds: $seconds})
"""

# --- gnn (gnn/export.py, gnn/embed.py) -------------------------------------------------------------
# Keyset pages by id keep each read small; $prefix scopes a run to one namespace ('' = everything).
GNN_VIDEOS_PAGE = """
MATCH (v:Video) WHERE v.id > $after AND v.id STARTS WITH $prefix
WITH v ORDER BY v.id LIMIT $limit
RETURN v.id AS id, v.title AS title, v.summary AS summary, v.asr AS asr, v.ocr AS ocr, v.visual AS visual
"""

GNN_TAGS = """
MATCH (t:Tag) WHERE t.id STARTS WITH $prefix
RETURN t.id AS id, t.name AS name, t.status AS status, t.kind AS kind ORDER BY t.id
"""

GNN_COMPOSED_OF = """
MATCH (p:Tag)-[:COMPOSED_OF]->(a:Tag) WHERE p.id STARTS WITH $prefix
RETURN p.id AS phrase, a.id AS atomic
"""

# Clicks and tags of one page of videos (the same keyset pages as GNN_VIDEOS_PAGE).
GNN_CLICKS_PAGE = """
MATCH (v:Video) WHERE v.id > $after AND v.id STARTS WITH $prefix
WITH v ORDER BY v.id LIMIT $limit
CALL (v) {
  MATCH (q:Query)-[c:CLICKED]->(v) RETURN 'query' AS kind, q.text AS src, c.count AS count
  UNION ALL
  MATCH (t:Tag)-[c:CLICKED]->(v) RETURN 'tag' AS kind, t.id AS src, c.count AS count
  UNION ALL
  MATCH (v)-[h:HAS_TAG]->(t:Tag) WHERE coalesce(h.source, '') <> 'gold-train'
  RETURN 'has_tag' AS kind, t.id AS src, 1 AS count
}
RETURN v.id AS video, kind, src, count
"""

# SIMILAR_TO {score, method} from text-embedding kNN; a rerun replaces the previous method's edges.
GNN_DELETE_SIMILAR = """
MATCH (a)-[s:SIMILAR_TO {method: $method}]->()
WHERE ($label = 'Query' AND a:Query AND a.text STARTS WITH $prefix)
   OR ($label <> 'Query' AND $label IN labels(a) AND a.id STARTS WITH $prefix)
WITH s LIMIT $limit
DELETE s
RETURN count(*) AS deleted
"""

GNN_MERGE_SIMILAR = {
    "Tag": """
UNWIND $rows AS r
MATCH (a:Tag {id: r.a}), (b:Tag {id: r.b})
MERGE (a)-[s:SIMILAR_TO {method: $method}]->(b) SET s.score = r.score
""",
    "Video": """
UNWIND $rows AS r
MATCH (a:Video {id: r.a}), (b:Video {id: r.b})
MERGE (a)-[s:SIMILAR_TO {method: $method}]->(b) SET s.score = r.score
""",
    "Query": """
UNWIND $rows AS r
MATCH (a:Query {text: r.a}), (b:Query {text: r.b})
MERGE (a)-[s:SIMILAR_TO {method: $method}]->(b) SET s.score = r.score
""",
}

# Model embeddings for the vector indexes tag_embedding / video_embedding (graph.schema).
GNN_SET_EMBEDDINGS = {
    "Tag": "UNWIND $rows AS r MATCH (t:Tag {id: r.id}) SET t.embedding = r.vec, t.embedding_model = $version",
    "Video": "UNWIND $rows AS r MATCH (v:Video {id: r.id}) SET v.embedding = r.vec, v.embedding_model = $version",
}

GNN_VECTOR_TAGS = """
MATCH (v:Video {id: $id}) WHERE v.embedding IS NOT NULL
CALL db.index.vector.queryNodes('tag_embedding', $candidates, v.embedding) YIELD node, score
RETURN node.id AS id, node.name AS name, score ORDER BY score DESC LIMIT $k
"""

# --- taxonomy classification (taxonomy/store.py) ------------------------------------------------------
# $prefix scopes a run to one id namespace ('' = everything), as the gnn statements do.
TAXO_ATOMICS = """
MATCH (t:Atomic) WHERE t.id STARTS WITH $prefix AND NOT coalesce(t.status, '') IN ['rejected', 'merged']
OPTIONAL MATCH (t)-[ic:IN_CATEGORY]->(c:Category)
RETURN t.id AS id, t.name AS name, coalesce(t.aliases, []) AS aliases, t.status AS status,
       c.id AS category, ic.method AS method ORDER BY t.id
"""

# Never replaces a loaded ('curated') or curator-set ('curator') category, even if one appeared since
# the tags were read.
TAXO_SET_CATEGORY = """
UNWIND $rows AS r
MATCH (t:Tag {id: r.id}), (c:Category {id: r.category})
WHERE NOT EXISTS { MATCH (t)-[x:IN_CATEGORY]->() WHERE x.method IN $protected }
CALL (t) { OPTIONAL MATCH (t)-[old:IN_CATEGORY]->() DELETE old }
MERGE (t)-[ic:IN_CATEGORY]->(c)
SET ic.confidence = r.confidence, ic.method = r.method
RETURN count(*) AS written
"""

TAXO_PHRASES = """
MATCH (t:Phrase) WHERE t.id STARTS WITH $prefix AND NOT coalesce(t.status, '') IN ['rejected', 'merged']
OPTIONAL MATCH (t)-[co:COMPOSED_OF]->(a:Tag)
WITH t, co, a ORDER BY co.position
RETURN t.id AS id, t.name AS name, coalesce(t.aliases, []) AS aliases,
       [x IN collect(a.id) WHERE x IS NOT NULL] AS components ORDER BY t.id
"""

# Names a split must not propose again; earlier phrase-split candidates are re-merged instead.
TAG_KEYS = """
MATCH (t:Tag) WHERE NOT (t.source = 'phrase-split' AND t.status = 'candidate')
RETURN t.name AS name, coalesce(t.aliases, []) AS aliases
"""

# Components are written only for phrases that had none: loaded and curated structure stays.
TAXO_SET_STRUCTURE = """
UNWIND $rows AS r
MATCH (t:Tag {id: r.id})
SET t.head = r.head
WITH t, r WHERE r.write_components
CALL (t, r) {
  UNWIND range(0, size(r.components) - 1) AS i
  MATCH (a:Tag {id: r.components[i]})
  MERGE (t)-[:COMPOSED_OF {position: i}]->(a)
}
"""

TAXO_DELETE_HEAD_BROADER = """
MATCH (t:Tag)-[b:BROADER {method: 'head'}]->() WHERE t.id STARTS WITH $prefix
DELETE b
"""

TAXO_MERGE_BROADER = """
UNWIND $rows AS r
MATCH (a:Tag {id: r.narrow}), (b:Tag {id: r.broad})
MERGE (a)-[:BROADER {method: 'head'}]->(b)
"""

# Parts of phrases that the library lacks, proposed for review like mined candidates.
TAXO_MERGE_PART_CANDIDATES = """
UNWIND $rows AS r
MERGE (t:Tag {id: r.id})
ON CREATE SET t.created_at = datetime(), t.status = 'candidate', t.source = 'phrase-split', t.kind = 'atomic',
              t.name = r.name, t.aliases = [], t.alias_text = '', t:Atomic
SET t.split_from = apoc.coll.toSet(coalesce(t.split_from, []) + r.phrases), t.updated_at = datetime()
"""

# One page of videos with their text, products and clicks, for the phrase-dimension evidence.
TAXO_VIDEOS_PAGE = """
MATCH (v:Video) WHERE v.id > $after AND v.id STARTS WITH $prefix
WITH v ORDER BY v.id LIMIT $limit
OPTIONAL MATCH (v)-[:FEATURES]->(p:Product)
WITH v, [x IN collect(p.title + ' ' + coalesce(p.category, '')) WHERE x IS NOT NULL] AS products
CALL (v) {
  OPTIONAL MATCH (src)-[c:CLICKED]->(v)
  RETURN collect(CASE WHEN c IS NULL THEN NULL
                      ELSE {tag: CASE WHEN src:Tag THEN src.id END, query: CASE WHEN src:Query THEN src.text END,
                            days: c.days, counts: c.counts} END) AS clicks
}
RETURN v.id AS id, v.title AS title, v.summary AS summary, v.asr AS asr, v.ocr AS ocr,
       v.created_at AS created_at, products, clicks
"""

TAXO_SET_DIMENSIONS = """
UNWIND $rows AS r
MATCH (t:Tag {id: r.id})
SET t += r.props, t.dim_at = datetime()
"""

# --- api ----------------------------------------------------------------------------------------
# Reasoning queries behind api/views.py (shared by the API, the CLI and the curator page).

# Prefix or exact-name matches (range index on Tag.name) ranked above full-text phrase matches.
API_SEARCH_TAGS = """
CALL () {
  MATCH (t:Tag) WHERE t.name STARTS WITH $q
  RETURN t, CASE WHEN t.name = $q THEN 3.0 ELSE 2.0 END AS score LIMIT $cap
  UNION
  MATCH (t:Tag {id: $q}) RETURN t, 3.0 AS score
  UNION
  CALL db.index.fulltext.queryNodes('tag_search', $lucene, {limit: $cap}) YIELD node, score
  RETURN node AS t, score / (score + 1.0) AS score
}
WITH t, max(score) AS score
WHERE ($status IS NULL OR t.status = $status) AND ($kind IS NULL OR t.kind = $kind)
RETURN t {.id, .name, .kind, .status, .aliases} AS tag, score
ORDER BY score DESC, size(t.name), t.id SKIP $offset LIMIT $limit
"""

API_TAG_DETAIL = """
MATCH (t:Tag {id: $id})
OPTIONAL MATCH (t)-[ic:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH path = (c)-[:SUBCLASS_OF*0..]->(top:Category) WHERE NOT (top)-[:SUBCLASS_OF]->()
OPTIONAL MATCH (h:Tag {id: t.head})
OPTIONAL MATCH (t)-[:MERGED_INTO]->(m:Tag)
RETURN t {.id, .name, .kind, .status, .aliases, .source, .score, .pipelines, .hot,
          created_at: toString(t.created_at), updated_at: toString(t.updated_at)} AS tag,
       [n IN reverse(nodes(path)) | n {.id, .zh, .en}] AS taxonomy,
       ic {.confidence, .method} AS category,
       COLLECT { MATCH (t)-[co:COMPOSED_OF]->(a:Tag) WITH co, a ORDER BY co.position
                 RETURN a {.id, .name, .kind, position: co.position} } AS components,
       CASE WHEN t.head IS NULL THEN NULL ELSE {id: t.head, name: h.name} END AS head,
       apoc.map.fromPairs([k IN keys(t) WHERE k STARTS WITH 'dim_' | [substring(k, 4), t[k]]]) AS dimensions,
       m {.id, .name} AS merged_into,
       // no label on the far node: the planner then reads the stored degree instead of walking edges
       COUNT { (t)<-[:HAS_TAG]-() } AS tagged_videos,
       COUNT { (t)-[:CLICKED]->() } AS clicked_videos
"""

# Related tags, one statement per relation; each returns (tag, score, evidence) pages.
API_RELATED = {
    # Tags on the same videos (HAS_TAG or tag clicks), over a bounded sample of this tag's videos.
    "cooccurrence": """
MATCH (t:Tag {id: $id})
CALL (t) { MATCH (t)-[:HAS_TAG|CLICKED]-(v:Video) RETURN DISTINCT v LIMIT $sample }
WITH t, collect(v) AS vs
UNWIND vs AS v
MATCH (v)-[:HAS_TAG|CLICKED]-(o:Tag) WHERE o <> t AND o.status <> 'merged'
WITH o, count(DISTINCT v) AS shared, size(vs) AS n
RETURN o {.id, .name, .kind, .status} AS tag, toFloat(shared) / n AS score, {shared_videos: shared} AS evidence
ORDER BY score DESC, o.id SKIP $offset LIMIT $limit
""",
    "similar": """
MATCH (t:Tag {id: $id})-[s:SIMILAR_TO]-(o:Tag) WHERE o <> t
WITH o, max(s.score) AS score, collect(DISTINCT s.method) AS methods
RETURN o {.id, .name, .kind, .status} AS tag, score, {methods: methods} AS evidence
ORDER BY score DESC, o.id SKIP $offset LIMIT $limit
""",
    "shared_component": """
MATCH (t:Tag {id: $id})-[:COMPOSED_OF]->(a:Tag)<-[:COMPOSED_OF]-(o:Tag) WHERE o <> t
WITH t, o, collect(DISTINCT a.name) AS shared
RETURN o {.id, .name, .kind, .status} AS tag,
       toFloat(size(shared)) / COUNT { (t)-[:COMPOSED_OF]->() } AS score, {shared_components: shared} AS evidence
ORDER BY score DESC, o.id SKIP $offset LIMIT $limit
""",
    "component": """
MATCH (t:Tag {id: $id})-[c:COMPOSED_OF]->(o:Tag)
RETURN o {.id, .name, .kind, .status} AS tag, 1.0 AS score, {position: c.position} AS evidence
ORDER BY c.position, o.id SKIP $offset LIMIT $limit
""",
    "used_in": """
MATCH (t:Tag {id: $id})<-[c:COMPOSED_OF]-(o:Tag)
RETURN o {.id, .name, .kind, .status} AS tag, 1.0 AS score, {position: c.position} AS evidence
ORDER BY o.name, o.id SKIP $offset LIMIT $limit
""",
    "broader": """
MATCH (t:Tag {id: $id})-[b:BROADER]->(o:Tag)
RETURN o {.id, .name, .kind, .status} AS tag, 1.0 AS score, properties(b) AS evidence
ORDER BY o.name, o.id SKIP $offset LIMIT $limit
""",
    "narrower": """
MATCH (t:Tag {id: $id})<-[b:BROADER]-(o:Tag)
RETURN o {.id, .name, .kind, .status} AS tag, 1.0 AS score, properties(b) AS evidence
ORDER BY o.name, o.id SKIP $offset LIMIT $limit
""",
}

API_TAG_EXISTS = "MATCH (t:Tag {id: $id}) RETURN t.id AS id"

# The shortest undirected connection over the graph's meaningful edges (hop limit is fixed: Cypher
# does not take it as a parameter).
API_TAG_PATH = """
MATCH (a:Tag {id: $a}), (b:Tag {id: $b})
MATCH p = shortestPath((a)-[:COMPOSED_OF|BROADER|SIMILAR_TO|IN_CATEGORY|SUBCLASS_OF|HAS_TAG|CLICKED|MERGED_INTO*..6]-(b))
RETURN [n IN nodes(p) | {kind: head(labels(n)), id: coalesce(n.id, n.text),
                         name: coalesce(n.name, n.zh, n.title, n.text)}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: coalesce(startNode(r).id, startNode(r).text),
                                 to: coalesce(endNode(r).id, endNode(r).text), score: r.score}] AS edges
"""

API_CATEGORY = """
MATCH (c:Category {id: $id})
OPTIONAL MATCH (c)-[:SUBCLASS_OF]->(p:Category)
RETURN c {.id, .zh, .en, .definition, .level} AS category, p.id AS parent,
       COLLECT { MATCH (k:Category)-[:SUBCLASS_OF]->(c) RETURN k.id ORDER BY k.id } AS children
"""

API_CATEGORY_TAGS = """
MATCH (c:Category {id: $id})
MATCH (sub:Category)-[:SUBCLASS_OF*0..]->(c) WHERE $deep OR sub = c
MATCH (t:Tag)-[ic:IN_CATEGORY]->(sub) WHERE $status IS NULL OR t.status = $status
RETURN t {.id, .name, .kind, .status} AS tag, sub.id AS category, ic.confidence AS confidence
ORDER BY t.name, t.id SKIP $offset LIMIT $limit
"""

# Topic selection: videos of a tag ranked by tagging score (core first) and by clicks from the tag.
API_TAG_VIDEOS = """
MATCH (t:Tag {id: $id})
CALL (t) {
  MATCH (v:Video)-[h:HAS_TAG]->(t) RETURN v, h.score AS score, h.role AS role, 0 AS clicks
  UNION ALL
  MATCH (t)-[c:CLICKED]->(v:Video) RETURN v, NULL AS score, NULL AS role, c.count AS clicks
}
WITH v, max(score) AS score, max(role) AS role, sum(clicks) AS clicks
WITH v, score, role, clicks,
     coalesce(score, 0.0) + CASE role WHEN 'core' THEN 0.5 ELSE 0.0 END + 0.1 * log10(1 + clicks) AS relevance
RETURN v {.id, .title, .created_at, .author} AS video, score, role, clicks, relevance
ORDER BY CASE $sort WHEN 'relevance' THEN -relevance WHEN 'clicks' THEN -clicks ELSE 0 END,
         CASE $sort WHEN 'recent' THEN v.created_at END DESC, v.id
SKIP $offset LIMIT $limit
"""

API_VIDEO_TAGS = """
MATCH (v:Video {id: $id})
RETURN v.id AS id, COLLECT {
  MATCH (v)-[h:HAS_TAG]->(t:Tag) WHERE $role IS NULL OR h.role = $role
  WITH h, t ORDER BY CASE h.role WHEN 'core' THEN 0 ELSE 1 END, h.score DESC, t.id
  SKIP $offset LIMIT $limit
  RETURN {tag: t {.id, .name, .kind, .status}, score: h.score, role: h.role, source: h.source,
          channels: h.channels, model: h.model, at: toString(h.at), evidence: h.evidence}
} AS tags
"""

# Why tag T is on video V: the HAS_TAG edge's own channels and evidence, plus the graph facts that
# support it (tag clicks, queries and products naming it, similar videos carrying it, text fields).
API_WHY_TAG = """
MATCH (v:Video {id: $video}), (t:Tag {id: $tag})
OPTIONAL MATCH (v)-[h:HAS_TAG]->(t)
OPTIONAL MATCH (t)-[c:CLICKED]->(v)
WITH v, t, h, c, [t.name] + coalesce(t.aliases, []) AS names
RETURN v {.id, .title} AS video, t {.id, .name, .kind, .status} AS tag,
       h {.score, .role, .source, .channels, .model, .evidence, at: toString(h.at)} AS has_tag,
       c {.count, .days, .counts} AS tag_clicks,
       COLLECT { MATCH (q:Query)-[qc:CLICKED]->(v) WHERE any(n IN names WHERE q.text CONTAINS n)
                 RETURN q {.text, count: qc.count} ORDER BY qc.count DESC LIMIT 10 } AS queries,
       COLLECT { MATCH (v)-[:FEATURES]->(p:Product) WHERE any(n IN names WHERE p.title CONTAINS n)
                 RETURN p {.id, .title} LIMIT 10 } AS products,
       COLLECT { MATCH (v)-[s:SIMILAR_TO]-(o:Video)-[:HAS_TAG]->(t)
                 RETURN o {.id, .title, similarity: s.score} ORDER BY s.score DESC LIMIT 10 } AS similar_videos,
       [f IN ['title', 'summary', 'asr', 'ocr'] WHERE any(n IN names WHERE v[f] CONTAINS n)] AS text_fields
"""

API_SIMILAR_VIDEOS = """
MATCH (v:Video {id: $id})-[s:SIMILAR_TO]-(o:Video) WHERE o <> v
WITH o, max(s.score) AS score, collect(DISTINCT s.method) AS methods
RETURN o {.id, .title} AS video, score, {methods: methods} AS evidence
ORDER BY score DESC, o.id SKIP $offset LIMIT $limit
"""

# Without SIMILAR_TO edges: videos sharing tags (HAS_TAG or tag clicks) or products with this one.
API_VIDEOS_SHARING = """
MATCH (v:Video {id: $id})-[:HAS_TAG|CLICKED|FEATURES]-(x:Tag|Product)-[:HAS_TAG|CLICKED|FEATURES]-(o:Video)
WHERE o <> v
WITH o, count(DISTINCT x) AS shared, collect(DISTINCT coalesce(x.name, x.title))[..5] AS via
RETURN o {.id, .title} AS video, toFloat(shared) AS score, {shared: shared, via: via} AS evidence
ORDER BY score DESC, o.id SKIP $offset LIMIT $limit
"""

API_VIDEO_EXISTS = """
MATCH (v:Video {id: $id}) RETURN v.id AS id, COUNT { (v)-[:SIMILAR_TO]-(:Video) } > 0 AS embedded
"""

API_TAXONOMY = """
MATCH (c:Category)
OPTIONAL MATCH (c)-[:SUBCLASS_OF]->(p:Category)
RETURN c.id AS id, c.zh AS zh, c.en AS en, c.level AS level, p.id AS parent,
       COUNT { (c)<-[:IN_CATEGORY]-(:Tag) } AS tags
ORDER BY id
"""

# Library export in keyset pages by id, atomic tags before phrases so a re-import finds components.
API_EXPORT_TAGS_PAGE = """
MATCH (t:Tag) WHERE t.kind = $kind AND t.id > $after AND ($status IS NULL OR t.status = $status)
WITH t ORDER BY t.id LIMIT $limit
OPTIONAL MATCH (t)-[:IN_CATEGORY]->(c:Category)
RETURN t.id AS id, t.name AS name, t.kind AS kind, t.status AS status, coalesce(t.aliases, []) AS aliases,
       c.id AS category, t.source AS source,
       COLLECT { MATCH (t)-[co:COMPOSED_OF]->(a:Tag) WITH co, a ORDER BY co.position RETURN a.id } AS components,
       COLLECT { MATCH (t)-[:BROADER]->(b:Tag) RETURN b.id ORDER BY b.id } AS broader
ORDER BY id
"""

API_PING = "RETURN 1 AS ok"
API_INDEX_STATES = "SHOW INDEXES YIELD name, state RETURN name, state ORDER BY name"

# Waits for every index to come online; the argument is a timeout in seconds.
AWAIT_INDEXES = "CALL db.awaitIndexes($timeout_s)"

# bench/vector_latency.py: a throw-away label with its own vector index, so real indexes stay untouched.
GNN_BENCH_VECTOR_INDEX = "CREATE VECTOR INDEX vecbench_embedding IF NOT EXISTS FOR (n:VecBench) ON n.embedding " + VECTOR_INDEX_OPTIONS
GNN_BENCH_VECTOR_INDEX_QUANTIZED = ("CREATE VECTOR INDEX vecbench_embedding IF NOT EXISTS FOR (n:VecBench) ON n.embedding "
                                    "OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}}")
GNN_BENCH_WRITE = "UNWIND $rows AS r CREATE (n:VecBench {id: r.id, embedding: r.vec})"
GNN_BENCH_QUERY = ("CALL db.index.vector.queryNodes('vecbench_embedding', $candidates, $vec) YIELD node, score "
                   "RETURN node.id AS id, score ORDER BY score DESC LIMIT $k")
GNN_BENCH_CLEAR = "MATCH (n:VecBench) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"
GNN_BENCH_DROP_INDEX = "DROP INDEX vecbench_embedding IF EXISTS"

# --- tagging (tagging/store.py) --------------------------------------------------------------------
# The approved library the recall automaton is built from; $prefix scopes tests ('' = everything).
TAGGING_LIBRARY = """
MATCH (t:Tag {status: 'approved'}) WHERE t.id STARTS WITH $prefix
RETURN t.id AS id, t.name AS name, t.kind AS kind, coalesce(t.aliases, []) AS aliases,
       COLLECT { MATCH (t)-[co:COMPOSED_OF]->(a:Tag) WITH co, a ORDER BY co.position RETURN a.id } AS components
ORDER BY id
"""

# Everything recall needs of a batch of stored videos, in one round trip.
TAGGING_VIDEO_INPUTS = """
UNWIND $ids AS id
MATCH (v:Video {id: id})
RETURN v.id AS id, v.title AS title, v.summary AS summary, v.asr AS asr, v.ocr AS ocr, v.visual AS visual,
       COLLECT { MATCH (v)-[:FEATURES]->(p:Product) RETURN p {.id, .title, .category} } AS products,
       COLLECT { MATCH (q:Query)-[c:CLICKED]->(v) WITH q, c ORDER BY c.count DESC, q.text LIMIT $max_queries
                 RETURN [q.text, c.count] } AS queries
"""

# Tags that similar videos lend: human ones (gold-train, curator) at weight 1, machine core tags at their score.
TAGGING_APPROVED_VIDEO_TAGS = """
MATCH (v:Video)-[h:HAS_TAG]->(t:Tag {status: 'approved'})
WHERE v.id STARTS WITH $prefix AND (h.source IN ['gold-train', 'curator'] OR h.role = 'core')
RETURN v.id AS video, t.id AS tag,
       CASE WHEN h.source IN ['gold-train', 'curator'] THEN 1.0 ELSE coalesce(h.score, 0.5) END AS weight
"""

TAGGING_TAG_CLICKS = """
MATCH (t:Tag {status: 'approved'})-[c:CLICKED]->(v:Video) WHERE v.id STARTS WITH $prefix
RETURN v.id AS video, t.id AS tag, c.count AS count
"""

TAGGING_VIDEO_IDS_PAGE = """
MATCH (v:Video) WHERE v.id > $after AND v.id STARTS WITH $prefix
RETURN v.id AS id ORDER BY v.id LIMIT $limit
"""

# Retagging replaces only machine edges (source 'tagger'); human ones (gold-train, curator) stay and win.
TAGGING_DELETE_MACHINE = """
UNWIND $ids AS id
MATCH (:Video {id: id})-[h:HAS_TAG]->() WHERE h.source = 'tagger'
DELETE h
"""

TAGGING_WRITE = """
UNWIND $rows AS r
MATCH (v:Video {id: r.video}), (t:Tag {id: r.tag})
WHERE NOT EXISTS { MATCH (v)-[x:HAS_TAG]->(t) WHERE coalesce(x.source, '') <> 'tagger' }
CREATE (v)-[:HAS_TAG {score: r.score, role: r.role, channels: r.channels, evidence: r.evidence,
                      model: $model, source: 'tagger', at: datetime()}]->(t)
"""

TAGGING_WRITE_GOLD = """
UNWIND $rows AS r
MATCH (v:Video {id: r.video}), (t:Tag {id: r.tag})
OPTIONAL MATCH (v)-[m:HAS_TAG {source: 'tagger'}]->(t)
DELETE m
MERGE (v)-[h:HAS_TAG {source: 'gold-train'}]->(t)
SET h.role = r.role, h.score = 1.0, h.at = datetime()
"""
