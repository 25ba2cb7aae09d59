#!/usr/bin/env bash
# Start-up time of Tocsin against a bare Spring Boot web app, both measured the same way on this machine:
# from launching the JVM to the first 200 from /health. Loopback only; each run is bounded by a timeout.
# Usage: bench/startup.sh [runs] [--layouts]   (default 5 runs)
#   Tocsin is measured as shipped and with its start-up class preloader switched off (-Dtocsin.preload-classes=false).
#   --layouts  also compares, with default JVM flags, the jars as built, extracted (java -Djarmode=tools ... extract,
#              Boot's recommended production layout) and extracted with a class-data-sharing archive from a training
#              run (-XX:ArchiveClassesAtExit, -Dspring.context.exit=onRefresh): each app gets its own archive.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
layouts="${2:-}"
export MAVEN_ARGS="${MAVEN_ARGS:-} -B -q -ntp"

[ -f target/tocsin-0.1.0-SNAPSHOT.jar ] || ./mvnw package -DskipTests
[ -f bench/startup/bare/target/bare-boot-1.jar ] || ./mvnw -f bench/startup/bare/pom.xml package

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Prints milliseconds from launch to the first healthy answer, then stops the process.
time_to_healthy() {
  local port pid start data
  port=$(free_port)
  data=$(mktemp -d)
  start=$(date +%s%N)
  TOCSIN_DATA_DIR="$data" PORT="$port" java $JVM_FLAGS -jar "$1" --server.port="$port" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      echo $(( ($(date +%s%N) - start) / 1000000 ))
      kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$data"; return
    fi
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true; rm -rf "$data"; echo "timeout"; return 1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# The three launches of a round run back to back, round after round, so that the machine's drift (large on a shared
# VM) falls on all three alike; each column is the median of its rounds.
for flags in "" "-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1"; do
  bare=(); tocsin=(); plain=()
  for _ in $(seq "$runs"); do
    JVM_FLAGS="$flags"; bare+=("$(time_to_healthy bench/startup/bare/target/bare-boot-1.jar)")
    tocsin+=("$(time_to_healthy target/tocsin-0.1.0-SNAPSHOT.jar)")
    JVM_FLAGS="$flags -Dtocsin.preload-classes=false"  # the same jar without its start-up class preloader
    plain+=("$(time_to_healthy target/tocsin-0.1.0-SNAPSHOT.jar)")
  done
  b=$(printf '%s\n' "${bare[@]}" | median); t=$(printf '%s\n' "${tocsin[@]}" | median)
  p=$(printf '%s\n' "${plain[@]}" | median)
  printf '| %-48s | %8s ms | %8s ms | %5s | %8s ms | %5s |\n' "${flags:-JVM defaults}" "$b" "$t" \
    "$(awk -v t="$t" -v b="$b" 'BEGIN {printf "%.2f", t/b}')" "$p" "$(awk -v t="$p" -v b="$b" 'BEGIN {printf "%.2f", t/b}')"
done | { echo "| JVM flags                                        | bare Boot   | Tocsin      | ratio | no preloader | ratio |"; \
         echo "|--------------------------------------------------|-------------|-------------|-------|--------------|-------|"; cat; }

[ "$layouts" = "--layouts" ] || exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -Djarmode=tools -jar bench/startup/bare/target/bare-boot-1.jar extract --destination "$work/bare" >/dev/null
java -Djarmode=tools -jar target/tocsin-0.1.0-SNAPSHOT.jar extract --destination "$work/tocsin" >/dev/null
bare_x=$(ls "$work"/bare/*.jar); tocsin_x=$(ls "$work"/tocsin/*.jar)
train() {  # a training run that stops once the context is refreshed, writing the class archive on exit
  local data; data=$(mktemp -d)
  TOCSIN_DATA_DIR="$data" timeout 120 java -XX:ArchiveClassesAtExit="$2" -Dspring.context.exit=onRefresh -jar "$1" \
    --server.port=0 >/dev/null 2>&1 || true
  rm -rf "$data"
}
train "$bare_x" "$work/bare.jsa"; train "$tocsin_x" "$work/tocsin.jsa"
echo
echo "| layout (JVM defaults)                            | bare Boot   | Tocsin      | ratio |"
echo "|--------------------------------------------------|-------------|-------------|-------|"
for layout in "as built" extracted "extracted + CDS"; do
  case "$layout" in
    "as built") b=bench/startup/bare/target/bare-boot-1.jar; t=target/tocsin-0.1.0-SNAPSHOT.jar; bf=""; tf="" ;;
    extracted) b=$bare_x; t=$tocsin_x; bf=""; tf="" ;;
    *) b=$bare_x; t=$tocsin_x; bf="-XX:SharedArchiveFile=$work/bare.jsa"; tf="-XX:SharedArchiveFile=$work/tocsin.jsa" ;;
  esac
  JVM_FLAGS="$bf"; bare=$(for _ in $(seq "$runs"); do time_to_healthy "$b"; done | median)
  JVM_FLAGS="$tf"; tocsin=$(for _ in $(seq "$runs"); do time_to_healthy "$t"; done | median)
  printf '| %-48s | %8s ms | %8s ms | %5s |\n' "$layout" "$bare" "$tocsin" \
    "$(awk -v t="$tocsin" -v b="$bare" 'BEGIN {printf "%.2f", t/b}')"
done
