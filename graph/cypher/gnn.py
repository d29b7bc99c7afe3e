"""GNN stage (gnn/export.py, gnn/embed.py): graph export, similarity edges, embeddings."""

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
  MATCH (v)-[h:HAS_TAG]->(t:Tag) WHERE coalesce(h.source, '') <> 'tagger'
  RETURN 'has_tag' AS kind, t.id AS src, 1 AS count
}
RETURN v.id AS video, kind, src, count
"""

# Tag-tag SIMILAR_TO {score, method} from text-embedding kNN (read by related tags); a rerun replaces them.
GNN_DELETE_SIMILAR = """
MATCH (a:Tag)-[s:SIMILAR_TO {method: $method}]->() WHERE a.id STARTS WITH $prefix
WITH s LIMIT $limit
DELETE s
RETURN count(*) AS deleted
"""

GNN_MERGE_SIMILAR = """
UNWIND $rows AS r
MATCH (a:Tag {id: r.a}), (b:Tag {id: r.b})
MERGE (a)-[s:SIMILAR_TO {method: $method}]->(b) SET s.score = r.score
"""

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
