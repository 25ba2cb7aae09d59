#!/usr/bin/env bash
# Records the classes a start-up loads, in order, into src/main/resources/META-INF/tocsin/startup-classes.txt,
# the list that dev.tocsin.ops.StartupClassPreloader loads on a second thread while Tocsin starts.
# Run it after changing dependencies (StartupClassPreloaderTest fails when too many listed classes have gone), then
# rebuild the jar. Loopback only; the recorded start is bounded by a 120 s wait.
#
#   bench/startup-classes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export MAVEN_ARGS="${MAVEN_ARGS:-} -B -q -ntp"
./mvnw package -DskipTests

jar=target/tocsin-0.1.0-SNAPSHOT.jar
out=src/main/resources/META-INF/tocsin/startup-classes.txt
work=$(mktemp -d)
trap 'kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# The example configuration on a fresh data folder, as a newcomer starts it, with the preloader off so that the
# log shows the order in which the main thread needs the classes. Recorded up to the first healthy answer.
TOCSIN_DATA_DIR="$work/data" TOCSIN_PRELOAD_CLASSES=false PORT="$port" \
  java -Xlog:class+load=info:file="$work/classes.log" -jar "$jar" --server.address=127.0.0.1 >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 2400); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.05
done
curl -fs "http://127.0.0.1:$port/health" >/dev/null
kill "$pid"; wait "$pid" 2>/dev/null || true

# Classes read from the jar's libraries and our own classes (jar:nested:), and JDK classes that the JDK's default
# class-data archive does not hold (jrt:/). Not: classes from the archive (already cheap), the launcher's own
# classes, lambdas and proxies (generated at run time, they have no name to load).
mkdir -p "$(dirname "$out")"
awk '$4 ~ /^(jar:nested:|jrt:\/)/ { print $2 }' "$work/classes.log" | awk '!seen[$0]++' >"$out"
echo "$(wc -l <"$out") classes written to $out; rebuild the jar to include them"
# The jars the start loaded the most classes from: pom.xml declares the busiest first (see the comment there).
echo "classes loaded per jar, busiest first:"
grep -o 'BOOT-INF/lib/[^!]*' "$work/classes.log" | sed 's#BOOT-INF/lib/##' | sort | uniq -c | sort -rn | head -20
