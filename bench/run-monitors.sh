#!/usr/bin/env bash
# Monitor scheduling at scale: a throw-away Tocsin with N HTTP monitors (default 10,000 every 30 s = 333 checks/s)
# against the loader's stub server on loopback, measured by bench/MonitorLoad.java, then torn down.
#
#   bench/run-monitors.sh                                   # 10,000 monitors, 30 s interval
#   BENCH_MONITORS=20000 bench/run-monitors.sh --measure 60 # further arguments go to MonitorLoad
#
# Bounded: start-up wait 120 s; warm-up 60 s and measurement 120 s by default (capped at 30 min); shutdown wait
# 30 s, then kill -9 (trap on any exit).
source "$(dirname "$0")/throwaway-server.sh"
MONITORS=${BENCH_MONITORS:-10000}
INTERVAL=${BENCH_INTERVAL:-30}
STUB_PORT=$(free_port)
CONFIG="$WORK/monitors.yml"
python3 - "$MONITORS" "$INTERVAL" "$STUB_PORT" >"$CONFIG" <<'PY'
import sys
n, interval, port = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print("""severities:
  - {id: P0, response_target: 5m}
  - {id: P1, response_target: 15m}
  - {id: P2, response_target: 1h}
  - {id: P3, response_target: 24h}
services:
  - {id: bench, name: Bench, integration_keys: [bench-monitors-key-00001]}
limits: {events_per_second: 100000, api_requests_per_second: 10000}
monitors:""")
for i in range(n):
    print(f"  - {{id: m{i}, service: bench, type: http, url: 'http://127.0.0.1:{port}/m/{i}', interval: {interval}s, timeout: 5s}}")
PY
PORT=$(free_port)
java -Xmx512m -XX:+UseSerialGC "$ROOT/bench/MonitorLoad.java" --stub-port "$STUB_PORT" --url "http://127.0.0.1:$PORT" \
    --monitors "$MONITORS" --interval "$INTERVAL" "$@" &
LOADER=$!
sleep 1
start_throwaway_tocsin "$CONFIG"
wait "$LOADER"
