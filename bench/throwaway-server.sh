# Sourced by the bench scripts: builds the jar if needed and starts a throw-away Tocsin bound to 127.0.0.1 on a
# free port, on a fresh data dir, with the given configuration; it is stopped (30 s grace, then kill -9) and the
# data dir removed on any exit. Sets ROOT, WORK, PORT and SERVER_PID.
#
#   source bench/throwaway-server.sh
#   start_throwaway_tocsin bench/delivery-config.yml [VAR=value ...]   # extra environment for the server
#   (a PORT set beforehand is used; the configuration may be an absolute path)
#
# Environment: SERVER_JAVA_OPTS (default -Xms1g -Xmx1g -XX:+UseG1GC), BENCH_JAR, BENCH_KEEP=1 keeps data and log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
JAR=${BENCH_JAR:-$ROOT/target/tocsin-0.1.0-SNAPSHOT.jar}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC}
[[ -f "$JAR" ]] || ./mvnw -q -B -ntp package -DskipTests

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tocsin-bench.XXXXXX")
SERVER_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    # A database that bench/lib/embedded-postgres.sh started, stopped before its files are removed.
    ! declare -F stop_embedded_postgres >/dev/null || stop_embedded_postgres
    [[ "${BENCH_KEEP:-0}" == "1" ]] && echo "== kept $WORK" || rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_throwaway_tocsin() {
    local config=$1
    shift
    PORT=${PORT:-$(free_port)}
    [[ "$config" == /* ]] || config="$ROOT/$config"
    ADMIN_KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    echo "== starting Tocsin on 127.0.0.1:$PORT ($SERVER_JAVA_OPTS) with $config"
    # shellcheck disable=SC2086
    env "$@" TOCSIN_DATA_DIR="$WORK/data" TOCSIN_CONFIG="$config" TOCSIN_ADMIN_KEY="$ADMIN_KEY" PORT="$PORT" \
        java $SERVER_JAVA_OPTS -Dserver.address=127.0.0.1 -jar "$JAR" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for i in $(seq 1 240); do
        curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$WORK/server.log" >&2; exit 1; }
        [[ $i -eq 240 ]] && { echo "!! not healthy after 120 s" >&2; exit 1; }
        sleep 0.5
    done
}
