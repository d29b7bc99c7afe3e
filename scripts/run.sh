#!/usr/bin/env bash
# The main job, end to end: install what is missing, start Neo4j, build the demo corpus, load it,
# build the tag library (mine, classify, structure, dimensions), train and index the GNN, then
# serve the API
# (foreground; Ctrl-C stops the API, `scripts/neo4j.sh stop` stops Neo4j).
# TAGKG_DEMO_VIDEOS sets the corpus size (default 20000).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
T=.venv/bin/tagkg
N=${TAGKG_DEMO_VIDEOS:-20000}
DATA=${TAGKG_DATA_DIR:-$ROOT/data}

bash scripts/neo4j.sh start
$T init-db
$T demo-data --videos "$N" --seed 0 --out "$DATA/demo"
$T load-demo --dir "$DATA/demo"
# Real video in: render demo clips (bundled photos, Chinese titles and subtitles, some subtitle tracks) and
# ingest them: keyframes, OCR, subtitles, EfficientNet-Lite0 features, near duplicates (tag-all tags them)
$T demo-clips --clips "${TAGKG_DEMO_CLIPS:-200}" --demo "$DATA/demo"
$T ingest "$DATA/demo/clips" --no-tag
# each clip shows one demo video's texts: its labels, re-keyed to the clip's id, make it a labelled video
$T load labels "$DATA/demo/clips/labels.jsonl"
# The tag library: mine candidates, classify atomic tags without a class (mined ones included),
# split phrases into parts with heads and BROADER links, score phrase dimensions.
$T mine --top-k 2000
$T classify
$T structure
$T dimensions
# Cross-modal embeddings: the GNN over click and similarity edges, FAISS and Neo4j vector indexes.
$T train --epochs "${TAGKG_TRAIN_EPOCHS:-4}" --time-budget "${TAGKG_TRAIN_BUDGET_S:-300}"
# Tagging: train the ranking model on recalled candidates, then tag every demo video.
$T rank-train --epochs "${TAGKG_RANK_EPOCHS:-4}"
$T tag-all
$T stats

# A local curator key for the page and write calls, generated once and kept out of git.
KEYS=${TAGKG_API_KEYS_FILE:-$ROOT/.tagkg-keys}
if [ -z "${TAGKG_API_KEYS:-}" ] && [ ! -f "$KEYS" ]; then
  (umask 077; echo "demo-curator:curator:$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$KEYS")
fi
[ ! -f "$KEYS" ] || chmod 600 "$KEYS"   # a key file made by hand (or by an older run) is private too
[ -n "${TAGKG_API_KEYS:-}" ] || export TAGKG_API_KEYS_FILE=$KEYS

HTTP=${TAGKG_HTTP_PORT:-7474}; BOLT=${TAGKG_BOLT_PORT:-7687}
cat <<MSG

tagkg is up.
  Neo4j Browser  http://127.0.0.1:$HTTP/browser/   (bolt://127.0.0.1:$BOLT, user neo4j, password: bash scripts/neo4j.sh password)
  API keys       ${TAGKG_API_KEYS_FILE:-from TAGKG_API_KEYS}   (send one as X-API-Key for writes and /v1/cypher)
MSG
exec $T serve
