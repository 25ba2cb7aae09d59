#!/usr/bin/env bash
# Escalation timer lateness with 10,000+ pending timers: a throw-away Tocsin (bench/escalation-config.yml) on a
# fresh data dir, bound to 127.0.0.1, driven by bench/EscalationLoad.java, then torn down.
#
#   bench/run-escalation.sh                       # 10,000 backlog incidents, 600 probes at 10/s
#   bench/run-escalation.sh --probe-rate 20       # further arguments go to EscalationLoad
#
# Bounded: start-up wait 120 s; the loader bounds itself; shutdown wait 30 s, then kill -9 (trap on any exit).
source "$(dirname "$0")/throwaway-server.sh"
start_throwaway_tocsin bench/escalation-config.yml
java -Xmx512m -XX:+UseSerialGC "$ROOT/bench/EscalationLoad.java" --url "http://127.0.0.1:$PORT" --admin-key "$ADMIN_KEY" "$@"
