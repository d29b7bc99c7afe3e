"""The read model behind the API, the CLI and the curator page: tags, videos, reasoning."""

VIDEO_DETAIL = """
MATCH (v:Video {id: $id})
OPTIONAL MATCH (v)-[:FEATURES]->(p:Product)
WITH v, collect(p {.id, .title, .category}) AS products
OPTIONAL MATCH (v)-[h:HAS_TAG]->(t:Tag)
RETURN v {.id, .title, .summary, .asr, .ocr, .created_at, .author, .duration_s} AS video, products,
       collect(CASE WHEN t IS NULL THEN NULL ELSE {id: t.id, name: t.name, score: h.score, role: h.role} END) AS tags
"""

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

# Prefix or exact-name matches (range index on Tag.name) ranked above full-text phrase matches.
SEARCH_TAGS = """
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

TAG_DETAIL = """
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
RELATED = {
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

TAG_EXISTS = "MATCH (t:Tag {id: $id}) RETURN t.id AS id"

# The shortest undirected connection over the graph's meaningful edges (hop limit is fixed: Cypher
# does not take it as a parameter).
TAG_PATH = """
MATCH (a:Tag {id: $a}), (b:Tag {id: $b})
MATCH p = shortestPath((a)-[:COMPOSED_OF|BROADER|SIMILAR_TO|IN_CATEGORY|SUBCLASS_OF|HAS_TAG|CLICKED|MERGED_INTO*..6]-(b))
RETURN [n IN nodes(p) | {kind: head(labels(n)), id: coalesce(n.id, n.text),
                         name: coalesce(n.name, n.zh, n.title, n.text)}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: coalesce(startNode(r).id, startNode(r).text),
                                 to: coalesce(endNode(r).id, endNode(r).text), score: r.score}] AS edges
"""

CATEGORY = """
MATCH (c:Category {id: $id})
OPTIONAL MATCH (c)-[:SUBCLASS_OF]->(p:Category)
RETURN c {.id, .zh, .en, .definition, .level} AS category, p.id AS parent,
       COLLECT { MATCH (k:Category)-[:SUBCLASS_OF]->(c) RETURN k.id ORDER BY k.id } AS children
"""

CATEGORY_TAGS = """
MATCH (c:Category {id: $id})
MATCH (sub:Category)-[:SUBCLASS_OF*0..]->(c) WHERE $deep OR sub = c
MATCH (t:Tag)-[ic:IN_CATEGORY]->(sub) WHERE $status IS NULL OR t.status = $status
RETURN t {.id, .name, .kind, .status} AS tag, sub.id AS category, ic.confidence AS confidence
ORDER BY t.name, t.id SKIP $offset LIMIT $limit
"""

# Topic selection: videos of a tag ranked by tagging score (core first) and by clicks from the tag.
TAG_VIDEOS = """
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

VIDEO_TAGS = """
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
WHY_TAG = """
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
       [f IN ['title', 'summary', 'asr', 'ocr'] WHERE any(n IN names WHERE v[f] CONTAINS n)] AS text_fields
"""

VIDEOS_BY_ID = "UNWIND $ids AS id MATCH (o:Video {id: id}) RETURN id, o {.id, .title} AS video"

# For a video the GNN index has not seen: videos sharing tags (HAS_TAG or tag clicks) or products with it.
VIDEOS_SHARING = """
MATCH (v:Video {id: $id})-[:HAS_TAG|CLICKED|FEATURES]-(x:Tag|Product)-[:HAS_TAG|CLICKED|FEATURES]-(o:Video)
WHERE o <> v
WITH o, count(DISTINCT x) AS shared, collect(DISTINCT coalesce(x.name, x.title))[..5] AS via
RETURN o {.id, .title} AS video, toFloat(shared) AS score, {shared: shared, via: via} AS evidence
ORDER BY score DESC, o.id SKIP $offset LIMIT $limit
"""

VIDEO_EXISTS = "MATCH (v:Video {id: $id}) RETURN v.id AS id"

TAXONOMY = """
MATCH (c:Category)
OPTIONAL MATCH (c)-[:SUBCLASS_OF]->(p:Category)
RETURN c.id AS id, c.zh AS zh, c.en AS en, c.level AS level, p.id AS parent,
       COUNT { (c)<-[:IN_CATEGORY]-(:Tag) } AS tags
ORDER BY id
"""

# Library export in keyset pages by id, atomic tags before phrases so a re-import finds components.
EXPORT_TAGS_PAGE = """
MATCH (t:Tag) WHERE t.kind = $kind AND t.id > $after AND ($status IS NULL OR t.status = $status)
WITH t ORDER BY t.id LIMIT $limit
OPTIONAL MATCH (t)-[:IN_CATEGORY]->(c:Category)
RETURN t.id AS id, t.name AS name, t.kind AS kind, t.status AS status, coalesce(t.aliases, []) AS aliases,
       c.id AS category, t.source AS source,
       COLLECT { MATCH (t)-[co:COMPOSED_OF]->(a:Tag) WITH co, a ORDER BY co.position RETURN a.id } AS components,
       COLLECT { MATCH (t)-[:BROADER]->(b:Tag) RETURN b.id ORDER BY b.id } AS broader
ORDER BY id
"""

# Human labels: every HAS_TAG edge not written by the tagger (loaded labels, curator edits), approved tags only.
LABELS = """
MATCH (v:Video)-[h:HAS_TAG]->(t:Tag {status: 'approved'})
WHERE v.id STARTS WITH $prefix AND coalesce(h.source, '') <> 'tagger'
RETURN v.id AS video, t.id AS tag, coalesce(h.role, 'related') AS role
ORDER BY video, tag
"""
