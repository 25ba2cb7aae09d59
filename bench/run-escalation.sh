#!/usr/bin/env bash
# Escalation timer lateness with 10,000+ pending timers: a throw-away Tocsin (bench/escalation-config.yml) on a
# fresh data dir, bound to 127.0.0.1, driven by bench/EscalationLoad.java, then torn down.
#
#   bench/run-escalation.sh                       # 10,000 backlog incidents, 600 probes at 10/s
#   bench/run-escalation.sh --probe-rate 20       # further arguments go to EscalationLoad
#   TOCSIN_DB_URL=jdbc:postgresql://... bench/run-escalation.sh    # against PostgreSQL
#
# Bounded: start-up wait 120 s; the loader bounds itself; shutdown wait 30 s, then kill -9 (trap on any exit).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JAR=${BENCH_JAR:-$ROOT/target/tocsin-0.1.0-SNAPSHOT.jar}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC}
[[ -f "$JAR" ]] || ./mvnw -q -B -ntp package -DskipTests

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tocsin-escalation.XXXXXX")
SERVER_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    [[ "${BENCH_KEEP:-0}" == "1" ]] && echo "== kept $WORK" || rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN_KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
echo "== starting Tocsin on 127.0.0.1:$PORT ($SERVER_JAVA_OPTS)"
# shellcheck disable=SC2086
TOCSIN_DATA_DIR="$WORK/data" TOCSIN_CONFIG="$ROOT/bench/escalation-config.yml" TOCSIN_ADMIN_KEY="$ADMIN_KEY" PORT="$PORT" \
    java $SERVER_JAVA_OPTS -Dserver.address=127.0.0.1 -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$WORK/server.log" >&2; exit 1; }
    [[ $i -eq 240 ]] && { echo "!! not healthy after 120 s" >&2; exit 1; }
    sleep 0.5
done
java -Xmx512m -XX:+UseSerialGC "$ROOT/bench/EscalationLoad.java" --url "http://127.0.0.1:$PORT" --admin-key "$ADMIN_KEY" "$@"
