#!/usr/bin/env bash
# The public status page under load: a throw-away Tocsin with 50 services (components), 20 past incidents declared
# by the loader, /status against the same HTML as a static file served by the same server; bench/StatusLoad.java
# drives both and prints requests/s. Then torn down.
#
#   bench/run-status.sh                          # 32 clients, 20 s per URL
#   bench/run-status.sh --clients 64             # further arguments go to StatusLoad
#
# Bounded: start-up wait 120 s; 5 s warm-up and at most 300 s per URL; shutdown wait 30 s, then kill -9.
source "$(dirname "$0")/throwaway-server.sh"
CONFIG="$WORK/status.yml"
mkdir -p "$WORK/static"
python3 - >"$CONFIG" <<'PY'
print("""severities:
  - {id: P0, response_target: 5m}
  - {id: P1, response_target: 15m}
  - {id: P2, response_target: 1h}
  - {id: P3, response_target: 24h}
status_page: {title: Example status, description: Fifty components and twenty past incidents}
limits: {events_per_second: 100000, api_requests_per_second: 100000}
services:""")
for i in range(50):
    print(f"  - {{id: component-{i}, name: Component {i}, description: 'Part {i} of the product', integration_keys: [bench-status-key-{i:08d}]}}")
PY
start_throwaway_tocsin "$CONFIG" "SPRING_WEB_RESOURCES_STATIC_LOCATIONS=classpath:/static/,file:$WORK/static/"
java -Xmx512m -XX:+UseSerialGC "$ROOT/bench/StatusLoad.java" --url "http://127.0.0.1:$PORT" --admin-key "$ADMIN_KEY" \
    --static-dir "$WORK/static" "$@"
