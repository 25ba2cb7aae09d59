#!/usr/bin/env bash
# Alert-in to message-delivered latency (event POSTed -> webhook received): a throw-away Tocsin
# (bench/delivery-config.yml) whose only channel is the loader's own webhook receiver on loopback, driven by
# bench/DeliveryLoad.java, then torn down.
#
#   bench/run-delivery.sh                   # 1,200 events at 20/s after 100 warm-up
#   bench/run-delivery.sh --rate 50         # further arguments go to DeliveryLoad
#
# Bounded: start-up wait 120 s; the loader bounds itself; shutdown wait 30 s, then kill -9 (trap on any exit).
source "$(dirname "$0")/throwaway-server.sh"
SINK_PORT=$(free_port)
start_throwaway_tocsin bench/delivery-config.yml BENCH_SINK_PORT="$SINK_PORT"
java -Xmx512m -XX:+UseSerialGC "$ROOT/bench/DeliveryLoad.java" --url "http://127.0.0.1:$PORT" --sink-port "$SINK_PORT" "$@"
