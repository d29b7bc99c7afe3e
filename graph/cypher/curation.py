"""Curator actions (curation/ops.py); each runs inside one write transaction."""

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

# Curators set and remove a video's tags. A removal is remembered on the video (removed_tags), so the
# tagger does not put the tag back on the next tag-all (tagging.TAGGING_WRITE skips those pairs).
VIDEO_TAG_STATE = """
MATCH (v:Video {id: $video}) SET v.lock_seq = coalesce(v.lock_seq, 0) + 1
WITH v
OPTIONAL MATCH (v)-[h:HAS_TAG]->(:Tag {id: $tag})
RETURN v.id AS video, collect(h {.source, .role}) AS edges, $tag IN coalesce(v.removed_tags, []) AS removed
"""

SET_VIDEO_TAG = """
MATCH (v:Video {id: $video}), (t:Tag {id: $tag})
OPTIONAL MATCH (v)-[m:HAS_TAG {source: 'tagger'}]->(t)
DELETE m
MERGE (v)-[h:HAS_TAG {source: 'curator'}]->(t)
SET h.role = $role, h.weight = 1.0, h.at = datetime(), h.who = $who,
    v.removed_tags = [x IN coalesce(v.removed_tags, []) WHERE x <> $tag]
"""

REMOVE_VIDEO_TAG = """
MATCH (v:Video {id: $video})
OPTIONAL MATCH (v)-[h:HAS_TAG]->(:Tag {id: $tag})
DELETE h
WITH DISTINCT v
SET v.removed_tags = CASE WHEN $tag IN coalesce(v.removed_tags, []) THEN v.removed_tags
                          ELSE coalesce(v.removed_tags, []) + $tag END
"""

# Mined alias candidates (mining/aliases.py) under review.
LIST_ALIAS_CANDIDATES = """
MATCH (a:AliasCandidate)-[:ALIAS_OF]->(t:Tag)
WHERE a.status = $status AND ($tag_id IS NULL OR t.id = $tag_id)
WITH a, t ORDER BY a.score DESC, a.id SKIP $offset LIMIT $limit
RETURN a {.id, .alias, .status, .how, .support, .shared, .share, .lift, .score, .evidence, .reason, .who,
          tag_id: t.id, tag_name: t.name, created_at: toString(a.created_at)} AS candidate
"""

ALIAS_CANDIDATE = "MATCH (a:AliasCandidate {id: $id}) RETURN a.id AS id, a.status AS status"

SET_ALIAS_CANDIDATE_STATUS = """
MATCH (a:AliasCandidate {id: $id})
SET a.status = $status, a.reason = $reason, a.who = $who, a.decided_at = datetime()
"""
