#!/usr/bin/env bash
# Durability under kill -9 after a long run: a throw-away Tocsin on a fresh data dir (127.0.0.1, a free port) takes
# events at a steady rate, is killed with SIGKILL after S seconds, restarts on the same data dir, and every event it
# answered 202 is looked up in the audit ledger. DurabilityTest does this for seconds; H2 treats chunks older than
# 45 s differently (docs/performance.md, "Compaction while running, tried again"), so this runs for minutes.
#
#   bench/crash-check.sh                 # 50 events/s, kill after 150 s
#   bench/crash-check.sh 50 300          # RATE SECONDS
#
# Environment: BENCH_JAR (default target/tocsin-*.jar), SERVER_JAVA_OPTS. Needs python3 and curl.
# Bounded: start-up waits 120 s, the sender stops at the kill (at most RATE x SECONDS events), verification pages the
# ledger once. Exit 1 if any acknowledged event is missing or the audit chain is broken.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
JAR=${BENCH_JAR:-$ROOT/target/tocsin-0.1.0-SNAPSHOT.jar}
RATE=${1:-50}
SECONDS_BEFORE_KILL=${2:-150}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx512m}
[[ -f "$JAR" ]] || { echo "!! no $JAR: run ./mvnw -q -B package -DskipTests first" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tocsin-crash.XXXXXX")
SERVER_PID=""
SENDER_PID=""
cleanup() {
    local rc=$?
    [[ -n "$SENDER_PID" ]] && kill "$SENDER_PID" 2>/dev/null || true
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN_KEY="crash-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

start_server() {
    # shellcheck disable=SC2086
    TOCSIN_DATA_DIR="$WORK/data" TOCSIN_CONFIG="$ROOT/bench/bench-config.yml" TOCSIN_ADMIN_KEY="$ADMIN_KEY" PORT="$PORT" \
        java $SERVER_JAVA_OPTS -Dserver.address=127.0.0.1 -jar "$JAR" >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 240); do
        curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$WORK/server.log" >&2; exit 1; }
        sleep 0.5
    done
    echo "!! /health not 200 after 120 s" >&2
    exit 1
}

echo "== $RATE events/s for $SECONDS_BEFORE_KILL s, then kill -9 ($JAR)"
start_server
python3 "$ROOT/bench/crash_check.py" send --port "$PORT" --book "$WORK/book" --rate "$RATE" \
    --seconds "$((SECONDS_BEFORE_KILL + 30))" &
SENDER_PID=$!
sleep "$SECONDS_BEFORE_KILL"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
wait "$SENDER_PID" || true
SENDER_PID=""
echo "== killed with the file at $(( $(stat -c %s "$WORK/data/tocsin.mv.db") >> 20 )) MB; restarting"
start_server
python3 "$ROOT/bench/crash_check.py" verify --port "$PORT" --book "$WORK/book" --admin-key "$ADMIN_KEY"
