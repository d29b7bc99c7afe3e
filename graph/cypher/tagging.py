"""Tagging (tagging/store.py): recall inputs and HAS_TAG writes."""

# The approved library the recall automaton is built from ($prefix scopes tests, '' = everything), in id order,
# as JSON text of $chunk tags a row: the Python driver decodes records value by
# value in pure Python (200k tags as one record each took 26-47 s on a busy 2-core machine, JSON chunks 19 s).
# Components come as [position, id] pairs; the reader orders them.
TAGGING_LIBRARY = """
MATCH (t:Tag {status: 'approved'}) WHERE t.id STARTS WITH $prefix
WITH t ORDER BY t.id
WITH collect(t) AS tags
UNWIND range(0, size(tags) - 1, $chunk) AS lo
RETURN apoc.convert.toJson([t IN tags[lo..lo + $chunk] | {id: t.id, name: t.name, kind: t.kind,
       aliases: coalesce(t.aliases, []), components: [(t)-[co:COMPOSED_OF]->(a:Tag) | [co.position, a.id]]}]) AS tags
"""

# Everything recall needs of a batch of stored videos, in one round trip.
TAGGING_VIDEO_INPUTS = """
UNWIND $ids AS id
MATCH (v:Video {id: id})
RETURN v.id AS id, v.title AS title, v.summary AS summary, v.asr AS asr, v.ocr AS ocr, v.visual AS visual,
       v.visual_model AS visual_model,
       COLLECT { MATCH (v)-[:FEATURES]->(p:Product) RETURN p {.id, .title, .category} } AS products,
       COLLECT { MATCH (q:Query)-[c:CLICKED]->(v) WITH q, c ORDER BY c.count DESC, q.text LIMIT $max_queries
                 RETURN [q.text, c.count] } AS queries,
       COLLECT { MATCH (v)-[:HAS_KEYFRAME]->(k:Keyframe) WITH k ORDER BY k.index
                 RETURN k {.index, .t, .ocr, .classes} } AS keyframes,
       COLLECT { MATCH (v)-[d:NEAR_DUPLICATE]-(o:Video) RETURN [o.id, d.distance] } AS near_duplicates
"""

# Tags that similar videos lend: human labels only (loaded labels, curator edits; every source but 'tagger'),
# at their weight. The tagger's own predictions are never lent back into later tagging.
TAGGING_APPROVED_VIDEO_TAGS = """
MATCH (v:Video)-[h:HAS_TAG]->(t:Tag {status: 'approved'})
WHERE v.id STARTS WITH $prefix AND coalesce(h.source, '') <> 'tagger'
RETURN v.id AS video, t.id AS tag, coalesce(h.weight, 1.0) AS weight
"""

TAGGING_TAG_CLICKS = """
MATCH (t:Tag {status: 'approved'})-[c:CLICKED]->(v:Video) WHERE v.id STARTS WITH $prefix
RETURN v.id AS video, t.id AS tag, c.count AS count
"""

# $upto (inclusive; null = no end) bounds a page to one id range of a distributed job.
TAGGING_VIDEO_IDS_PAGE = """
MATCH (v:Video) WHERE v.id > $after AND v.id STARTS WITH $prefix AND ($upto IS NULL OR v.id <= $upto)
RETURN v.id AS id ORDER BY v.id LIMIT $limit
"""

# The id range of the next $size videos after $after: its last id and how many it holds (n = 0 at the end).
TAGGING_VIDEO_ID_RANGE = """
MATCH (v:Video) WHERE v.id > $after AND v.id STARTS WITH $prefix
WITH v.id AS id ORDER BY id LIMIT $size
RETURN max(id) AS upto, count(id) AS n
"""

# Retagging replaces only machine edges (source 'tagger'); human ones (labels, curator edits) stay and win,
# and a tag a curator removed from a video is not written again.
TAGGING_DELETE_MACHINE = """
UNWIND $ids AS id
MATCH (:Video {id: id})-[h:HAS_TAG]->() WHERE h.source = 'tagger'
DELETE h
"""

TAGGING_WRITE = """
UNWIND $rows AS r
MATCH (v:Video {id: r.video}), (t:Tag {id: r.tag})
WHERE NOT EXISTS { MATCH (v)-[x:HAS_TAG]->(t) WHERE coalesce(x.source, '') <> 'tagger' }
  AND NOT r.tag IN coalesce(v.removed_tags, [])
CREATE (v)-[:HAS_TAG {score: r.score, role: r.role, channels: r.channels, evidence: r.evidence,
                      model: $model, source: 'tagger', at: datetime()}]->(t)
"""

