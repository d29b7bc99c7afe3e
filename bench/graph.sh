#!/usr/bin/env bash
# Build the benchmark graph for bench/tagging.py and bench/api_load.py: the main job's steps at
# TAGKG_DEMO_VIDEOS (default 100000) videos, in its own Neo4j home, data folder and ports, so the
# benchmarks never touch the user's graph. Pass step names to run only those, in order
# (default: all of them); then export the printed variables and run the benchmarks. TAGKG_RANK_ARGS adds
# options to rank-train (e.g. --compare).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${TAGKG_DEMO_VIDEOS:-100000}
export TAGKG_NEO4J_HOME=${TAGKG_NEO4J_HOME:-$ROOT/.neo4j-bench$N}
export TAGKG_DATA_DIR=${TAGKG_DATA_DIR:-$ROOT/data-bench$N}
export TAGKG_BOLT_PORT=${TAGKG_BOLT_PORT:-37687} TAGKG_HTTP_PORT=${TAGKG_HTTP_PORT:-37474}
export TAGKG_NEO4J_HEAP=${TAGKG_NEO4J_HEAP:-2g} TAGKG_NEO4J_PAGECACHE=${TAGKG_NEO4J_PAGECACHE:-2g}
export TAGKG_DOTENV=/dev/null
T=.venv/bin/tagkg
STEPS=${*:-setup start init demo load library train rank}
for step in $STEPS; do
  echo "== $step"
  case $step in
    setup) bash scripts/setup.sh ;;
    start) bash scripts/neo4j.sh start ;;
    init) $T init-db ;;
    demo) $T demo-data --videos "$N" --seed 0 --out "$TAGKG_DATA_DIR/demo" ;;
    load) $T load-demo --dir "$TAGKG_DATA_DIR/demo" ;;
    library) $T mine --top-k 2000 && $T classify && $T structure && $T dimensions ;;
    train) $T train --epochs "${TAGKG_TRAIN_EPOCHS:-2}" --time-budget "${TAGKG_TRAIN_BUDGET_S:-780}" ;;
    rank) $T rank-train --epochs "${TAGKG_RANK_EPOCHS:-4}" ${TAGKG_RANK_ARGS:-} ;;
    stop) bash scripts/neo4j.sh stop ;;
    *) echo "unknown step: $step" >&2; exit 2 ;;
  esac
done
cat <<MSG
benchmark graph ready; for the benchmarks:
export TAGKG_NEO4J_HOME=$TAGKG_NEO4J_HOME TAGKG_DATA_DIR=$TAGKG_DATA_DIR TAGKG_BOLT_PORT=$TAGKG_BOLT_PORT TAGKG_HTTP_PORT=$TAGKG_HTTP_PORT TAGKG_DOTENV=/dev/null
MSG
