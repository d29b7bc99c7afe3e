#!/usr/bin/env bash
# The main job, end to end: install what is missing, start Neo4j, build the demo corpus, load it,
# build the tag library (mine, classify, structure, dimensions), then serve the API
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
# The tag library: mine candidates, classify atomic tags without a class (mined ones included),
# split phrases into parts with heads and BROADER links, score phrase dimensions.
$T mine --top-k 2000
$T classify
$T structure
$T dimensions
$T stats

HTTP=${TAGKG_HTTP_PORT:-7474}; BOLT=${TAGKG_BOLT_PORT:-7687}; API=${TAGKG_API_PORT:-8000}
cat <<MSG

tagkg is up.
  Neo4j Browser  http://127.0.0.1:$HTTP/browser/   (bolt://127.0.0.1:$BOLT, user neo4j, password: scripts/neo4j.sh password)
  REST API       http://127.0.0.1:$API/
  example call   curl http://127.0.0.1:$API/v1/videos/v0000001
MSG
exec $T serve
