"""Media: keyframe nodes of ingested videos, near-duplicate links, and the reads ingest and the page need."""

# A video's keyframes are replaced as a whole, so re-ingesting a changed file leaves no stale frame.
REPLACE_KEYFRAMES = """
UNWIND $rows AS r
MATCH (v:Video {id: r.id})
CALL (v) {
  MATCH (v)-[:HAS_KEYFRAME]->(old:Keyframe)
  DETACH DELETE old
}
CALL (v, r) {
  UNWIND r.keyframes AS k
  CREATE (v)-[:HAS_KEYFRAME]->(kf:Keyframe)
  SET kf = k, kf.video_id = v.id
}
"""

# One undirected link per pair; a rerun only refreshes the distance.
MERGE_NEAR_DUPLICATES = """
UNWIND $rows AS r
MATCH (a:Video {id: r.a}), (b:Video {id: r.b})
MERGE (a)-[d:NEAR_DUPLICATE]-(b)
SET d.distance = r.distance, d.method = 'phash'
"""

# Which of these ids are stored with this content hash (a rerun skips them).
STORED_MEDIA = """
UNWIND $rows AS r
MATCH (v:Video {id: r.id}) WHERE v.media_sha256 = r.sha256
RETURN v.id AS id
"""

# Every stored keyframe hash, for near-duplicate lookups: 8 bytes a keyframe in memory.
KEYFRAME_HASHES = """
MATCH (v:Video)-[:HAS_KEYFRAME]->(k:Keyframe)
RETURN v.id AS id, collect(k.phash) AS hashes
"""

VIDEO_KEYFRAMES = """
MATCH (v:Video {id: $id})-[:HAS_KEYFRAME]->(k:Keyframe)
RETURN k {.index, .t, .cover, .cut, .phash, .thumb, .ocr, .classes} AS k ORDER BY k.index
"""

VIDEO_NEAR_DUPLICATES = """
MATCH (v:Video {id: $id})-[d:NEAR_DUPLICATE]-(o:Video)
RETURN o.id AS id, o.title AS title, d.distance AS distance ORDER BY d.distance, o.id
"""
