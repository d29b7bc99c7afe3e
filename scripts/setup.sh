#!/usr/bin/env bash
# Install what is missing for tagkg on a fresh machine: Java 17 and Maven (Debian packages, when
# absent and we are root), the Python venv with pinned requirements, and the Neo4j jars.
# Downloads are cached (~/.cache/pip, ~/.m2), so a second run costs seconds.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
say() { echo "setup: $*" >&2; }

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v curl >/dev/null || need_apt+=(curl)
# Debian's Chromium drives the curator page's end-to-end test; wrk drives the API load benchmark.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v wrk >/dev/null || need_apt+=(wrk)
# the demo clips' Chinese titles and subtitles (demo/clips.py)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${need_apt[*]}"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    say "please install: ${need_apt[*]}"; exit 1
  fi
fi

PY=${TAGKG_PYTHON:-}
if [ -z "$PY" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] || { say "Python 3.11 is required (set TAGKG_PYTHON to its path)"; exit 1; }

stamp=.venv/.requirements.sha
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ "$(cat $stamp 2>/dev/null)" != "$want" ]; then
  say "creating .venv and installing requirements.txt (cached in ~/.cache/pip)"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.txt
  .venv/bin/pip install -q --no-deps -e .
  echo "$want" > $stamp
fi

bash scripts/neo4j.sh install
say "ready"
