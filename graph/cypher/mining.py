"""Mining (mining/store.py): corpus pages in, candidates out."""

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

# Alias candidates (mining/aliases.py): the videos' text with the tags they carry, for one prefix of ids.
VIDEO_TEXT_TAGS_PAGE = """
MATCH (v:Video) WHERE v.id > $after AND v.id STARTS WITH $prefix
WITH v ORDER BY v.id LIMIT $limit
OPTIONAL MATCH (v)-[:HAS_TAG]->(t:Tag)
RETURN v.id AS id, v.title AS title, v.summary AS summary, v.asr AS asr, v.ocr AS ocr,
       v.created_at AS created_at, collect(DISTINCT t.id) AS tags
"""

# One (:AliasCandidate)-[:ALIAS_OF]->(:Tag) per proposed (tag, alias); a curator's decision is never overwritten.
MERGE_ALIAS_CANDIDATES = """
UNWIND $rows AS r
MATCH (t:Tag {id: r.tag_id})
MERGE (a:AliasCandidate {id: r.id})
ON CREATE SET a.created_at = datetime(), a.status = 'candidate', a.tag_id = r.tag_id, a.alias = r.alias,
              a.first_run = $run_id
MERGE (a)-[:ALIAS_OF]->(t)
WITH a, r WHERE a.status = 'candidate'
SET a.how = r.how, a.support = r.support, a.shared = r.shared, a.share = r.share, a.lift = r.lift,
    a.score = r.score, a.evidence = r.evidence_json, a.last_run = $run_id, a.updated_at = datetime()
"""

# Pending alias candidates of an earlier run that this run no longer proposes (their evidence is gone).
DELETE_STALE_ALIAS_CANDIDATES = """
MATCH (a:AliasCandidate {status: 'candidate'})
WHERE a.tag_id STARTS WITH $prefix AND a.last_run <> $run_id
DETACH DELETE a
"""
