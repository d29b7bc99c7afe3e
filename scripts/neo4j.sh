#!/usr/bin/env bash
# tagkg's own Neo4j 5.26 LTS Community server, built from Maven Central jars (neo4j/pom.xml).
# usage: scripts/neo4j.sh install|start|stop|restart|status|wait|password|console
# Settings (env): TAGKG_NEO4J_HOME (default .neo4j), TAGKG_BOLT_PORT (7687), TAGKG_HTTP_PORT (7474),
# TAGKG_NEO4J_HEAP (2g), TAGKG_NEO4J_PAGECACHE (2g), TAGKG_NEO4J_WAIT (180 s), TAGKG_JAVA (java binary).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOME_DIR=${TAGKG_NEO4J_HOME:-$ROOT/.neo4j}
case "$HOME_DIR" in /*) ;; *) HOME_DIR=$ROOT/$HOME_DIR ;; esac
LIB=$ROOT/neo4j/lib
PLUGINS_SRC=$ROOT/neo4j/plugins
BOLT_PORT=${TAGKG_BOLT_PORT:-7687}
HTTP_PORT=${TAGKG_HTTP_PORT:-7474}
HEAP=${TAGKG_NEO4J_HEAP:-2g}
PAGECACHE=${TAGKG_NEO4J_PAGECACHE:-2g}
WAIT_S=${TAGKG_NEO4J_WAIT:-180}
PID_FILE=$HOME_DIR/run/neo4j.pid
PW_FILE=$HOME_DIR/password
LOG=$HOME_DIR/logs/console.log

die() { echo "neo4j.sh: error: $*" >&2; exit 1; }
say() { echo "neo4j.sh: $*" >&2; }

# The official distribution's JVM flags (neo4j.conf server.jvm.additional, 5.26), applied directly
# because we start the entry point ourselves instead of through the neo4j launcher.
JVM_FLAGS=(
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+AlwaysPreTouch
  -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC
  -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.tls.ephemeralDHKeySize=2048 -Djdk.tls.rejectClientInitiatedRenegotiation=true
  -XX:FlightRecorderOptions=stackdepth=256 -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  -Dlog4j2.disable.jmx=true -Dlog4j.layout.jsonTemplate.maxStringLength=32768
  -Dfile.encoding=UTF-8
)

java_bin() {
  local j=${TAGKG_JAVA:-}
  if [ -z "$j" ] && [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then j=$JAVA_HOME/bin/java; fi
  [ -n "$j" ] || j=$(command -v java || true)
  [ -n "$j" ] && [ -x "$j" ] || die "Java 17 is required but no java was found (${j:-not on PATH}); install openjdk-17-jre-headless or set JAVA_HOME"
  local v
  v=$("$j" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${v:-0}" -ge 17 ] || die "Java 17+ is required, found version '${v:-unknown}' at $j"
  echo "$j"
}

install() {
  if [ -f "$LIB/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || die "Maven (mvn) is required to fetch the Neo4j jars (apt-get install maven)"
  say "resolving Neo4j jars from Maven Central into neo4j/lib (cached in ~/.m2) ..."
  (cd "$ROOT/neo4j" && rm -rf lib plugins &&
    mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime &&
    mvn -q -B -Dstyle.color=never -Papoc dependency:copy-dependencies -DoutputDirectory=plugins.all -DincludeScope=runtime &&
    mkdir -p plugins &&
    # plugins/ keeps only what APOC adds to the server's own classpath.
    for j in plugins.all/*.jar; do [ -e "lib/$(basename "$j")" ] || mv "$j" plugins/; done &&
    rm -rf plugins.all) || die "mvn could not resolve the Neo4j jars"
  touch "$LIB/.complete"
}

# A killed server can linger as a zombie until something reaps it: that is not alive.
alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != "Z" ]; }

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid; pid=$(cat "$PID_FILE")
  alive "$pid" || return 1
  # A stale pid can be reused: only a live Neo4j entry point counts as running.
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q CommunityEntryPoint || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_conf() {
  mkdir -p "$HOME_DIR"/{conf,data,logs,run,plugins,import}
  rm -f "$HOME_DIR"/plugins/*.jar; cp "$PLUGINS_SRC"/*.jar "$HOME_DIR/plugins/" 2>/dev/null || true
  cat > "$HOME_DIR/conf/neo4j.conf" <<CONF
# Written by scripts/neo4j.sh on every start; edit the script's settings instead.
server.directories.data=$HOME_DIR/data
server.directories.logs=$HOME_DIR/logs
server.directories.run=$HOME_DIR/run
server.directories.plugins=$HOME_DIR/plugins
server.directories.import=$HOME_DIR/import
# Loopback only: nothing listens beyond this machine by default.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$BOLT_PORT
server.http.enabled=true
server.http.listen_address=127.0.0.1:$HTTP_PORT
server.https.enabled=false
dbms.security.auth_enabled=true
# Bounded for a 2-core / 24 GiB machine (heap is passed as -Xms/-Xmx below).
server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE
dbms.memory.transaction.total.max=1g
server.threads.worker_count=4
db.tx_log.rotation.retention_policy=256M size
dbms.usage_report.enabled=false
dbms.security.procedures.unrestricted=apoc.*
dbms.security.procedures.allowlist=apoc.*,db.*,dbms.*,gds.*
CONF
}

set_initial_password() {
  # Authentication stays on: a random password is set before the first start and kept locally.
  [ -f "$HOME_DIR/data/dbms/auth.ini" ] && [ -f "$PW_FILE" ] && return 0
  [ -f "$HOME_DIR/data/dbms/auth.ini" ] && die "$HOME_DIR has users but $PW_FILE is missing; remove $HOME_DIR/data to start afresh"
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 24 > "$PW_FILE"; echo >> "$PW_FILE")
  # "@file" (picocli's argument file): the password never appears on a command line (ps shows those).
  NEO4J_HOME=$HOME_DIR NEO4J_CONF=$HOME_DIR/conf "$JAVA" -cp "$LIB/*" -Dfile.encoding=UTF-8 \
    org.neo4j.cli.AdminTool dbms set-initial-password "@$PW_FILE" >/dev/null 2>"$HOME_DIR/logs/admin.err" \
    || { rm -f "$PW_FILE"; die "setting the initial password failed: $(tail -3 "$HOME_DIR/logs/admin.err")"; }
}

protect_secrets() {
  # The password hash (auth.ini) and the password are readable by this user only, also in older homes.
  chmod 700 "$HOME_DIR" "$HOME_DIR/data"
  chmod 600 "$PW_FILE"
  [ ! -d "$HOME_DIR/data/dbms" ] || chmod -R go-rwx "$HOME_DIR/data/dbms"
}

wait_ready() {
  local deadline=$((SECONDS + WAIT_S))
  until port_open "$BOLT_PORT" && curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/"; do
    # alive, not running_pid: on a busy machine the child just started may not have exec'd java yet
    if ! alive "$(cat "$PID_FILE" 2>/dev/null)"; then
      die "Neo4j exited during start-up; last lines of $LOG:
$(tail -20 "$LOG" 2>/dev/null)"
    fi
    [ $SECONDS -lt $deadline ] || die "Neo4j did not answer on bolt://127.0.0.1:$BOLT_PORT within ${WAIT_S}s (see $LOG)"
    sleep 1
  done
}

start() {
  install
  JAVA=$(java_bin)
  if pid=$(running_pid); then say "already running (pid $pid)"; wait_ready; return 0; fi
  for p in "$BOLT_PORT" "$HTTP_PORT"; do
    port_open "$p" && die "port 127.0.0.1:$p is already taken by another process; set TAGKG_BOLT_PORT/TAGKG_HTTP_PORT or stop it"
  done
  write_conf
  set_initial_password
  protect_secrets
  say "starting Neo4j (bolt://127.0.0.1:$BOLT_PORT, http://127.0.0.1:$HTTP_PORT/browser/, home $HOME_DIR)"
  # setsid: the server outlives this shell; `stop` signals its process group. umask 077: what the
  # server writes (the store, auth data, logs with query text) is readable by this user only.
  umask 077
  setsid "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" "${JVM_FLAGS[@]}" -cp "$HOME_DIR/plugins/*:$LIB/*" \
    org.neo4j.server.CommunityEntryPoint --home-dir="$HOME_DIR" --config-dir="$HOME_DIR/conf" \
    >>"$LOG" 2>&1 < /dev/null &
  echo $! > "$PID_FILE"
  wait_ready
  say "ready (pid $(cat "$PID_FILE"))"
}

stop() {
  local pid
  if ! pid=$(running_pid); then say "not running"; rm -f "$PID_FILE"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; say "stopped"; return 0; }; sleep 0.5; done
  say "did not stop within 60 s; killing"; kill -KILL "$pid" 2>/dev/null || true; rm -f "$PID_FILE"
}

status() {
  if pid=$(running_pid); then echo "running pid=$pid bolt=127.0.0.1:$BOLT_PORT http=127.0.0.1:$HTTP_PORT home=$HOME_DIR"
  else echo "stopped home=$HOME_DIR"; return 3; fi
}

cmd=${1:-}
case "$cmd" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  wait) running_pid >/dev/null || die "not running"; wait_ready ;;
  password) cat "$PW_FILE" ;;
  *) echo "usage: $0 install|start|stop|restart|status|wait|password" >&2; exit 2 ;;
esac
