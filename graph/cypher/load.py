"""Loaders: one batch of validated rows each, and the reference checks that reject rows."""

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

EXISTING_VIDEOS = "UNWIND $ids AS id MATCH (v:Video {id: id}) RETURN collect(id) AS found"

EXISTING_TAGS = "UNWIND $ids AS id MATCH (t:Tag {id: id}) RETURN collect(id) AS found"

APPROVED_KEY_OWNERS = """
UNWIND $rows AS r
MATCH (t:Tag {approved_key: r.key}) WHERE t.id <> r.id
RETURN r.id AS id, t.id AS owner
"""

EXISTING_CATEGORIES = "UNWIND $ids AS id MATCH (c:Category {id: id}) RETURN collect(id) AS found"

# Labels (loaders/labels.py): the whole tag library's names, aliases, statuses and merge redirects,
# read once per label load so names and aliases resolve in memory (aliases have no index).
LABEL_TAG_DIRECTORY = """
MATCH (t:Tag)
OPTIONAL MATCH (t)-[:MERGED_INTO]->(s:Tag)
RETURN t.id AS id, t.name AS name, coalesce(t.aliases, []) AS aliases, t.status AS status, s.id AS merged_into
"""

# A label is a human HAS_TAG edge, one per (video, tag, source): reloading a file changes nothing (`at` moves
# only when role or weight change). It replaces the tagger's edge on the same pair, as a retag would keep it.
MERGE_LABELS = """
UNWIND $rows AS r
MATCH (v:Video {id: r.video_id}), (t:Tag {id: r.tag_id})
CALL (v, t) {
  MATCH (v)-[m:HAS_TAG {source: 'tagger'}]->(t)
  DELETE m
}
MERGE (v)-[h:HAS_TAG {source: r.source}]->(t)
SET h.at = CASE WHEN h.at IS NULL OR h.role <> r.role OR h.weight <> r.weight THEN datetime() ELSE h.at END,
    h.role = r.role, h.weight = r.weight
"""
