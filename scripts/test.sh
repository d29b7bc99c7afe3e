#!/usr/bin/env bash
# The test command: install what is missing, start a test Neo4j (own home and ports, so a running
# demo is untouched), run pytest, stop the server. Extra arguments go to pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh

# Tests load and delete demo ids, so they never inherit the shell's TAGKG_* server or data folder
# (that would wipe a demo graph); TAGKG_TEST_* move them, e.g. off busy ports. conftest.py agrees.
export TAGKG_NEO4J_HOME=${TAGKG_TEST_NEO4J_HOME:-$ROOT/.neo4j-test}
export TAGKG_BOLT_PORT=${TAGKG_TEST_BOLT_PORT:-17687}
export TAGKG_HTTP_PORT=${TAGKG_TEST_HTTP_PORT:-17474}
export TAGKG_NEO4J_HEAP=${TAGKG_TEST_NEO4J_HEAP:-1g}
export TAGKG_NEO4J_PAGECACHE=${TAGKG_TEST_NEO4J_PAGECACHE:-1g}
export TAGKG_DATA_DIR=${TAGKG_TEST_DATA_DIR:-$ROOT/data-test}
# Tests always run against their own local server, never a configured one.
unset NEO4J_URI NEO4J_USER NEO4J_PASSWORD NEO4J_DATABASE
export TAGKG_DOTENV=/dev/null

started=0
bash scripts/neo4j.sh status >/dev/null 2>&1 || started=1
bash scripts/neo4j.sh start
cleanup() { if [ $started = 1 ]; then bash scripts/neo4j.sh stop; fi; }
trap cleanup EXIT

.venv/bin/python -m pytest "$@"
