"""Taxonomy classification and phrase structure (taxonomy/store.py)."""

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
