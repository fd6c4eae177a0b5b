#!/usr/bin/env bash
# The same Spring Boot WebFlux application (samples' spring-app) on the evpl starter and on Reactor
# Netty (the same jar with evpl.enabled=false and Reactor Netty's jars added: Boot then configures
# Reactor Netty exactly as with plain spring-boot-starter-webflux). One server loop each
# (evpl.loops.count=1, reactor.netty.ioWorkerCount=1), servers on CPU 1, wrk -t1 -c64 on CPU 0,
# alternating per round, medians of ROUNDS; requests/s and p99 latency of GET /hello.
# Usage: benchmarks/webflux-vs-reactor-netty.sh [ROUNDS] [SECONDS]
# (after: mvn -B -q install -DskipTests; needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-5}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
mkdir -p target/bench
JAR=samples/target/evpl-samples.jar
# Reactor Netty and Boot's Reactor Netty support, as the starter's tests resolve them.
for f in io.netty,io.projectreactor.netty:groups spring-boot-reactor-netty,spring-boot-reactor,spring-boot-netty:artifacts; do
  what=${f%%:*}; kind=${f##*:}
  if [ "$kind" = groups ]; then sel="-DincludeGroupIds=$what"; else sel="-DincludeArtifactIds=$what"; fi
  mvn -B -q -Dstyle.color=never -f evpl-spring-boot-starter/pom.xml dependency:build-classpath -Dmdep.includeScope=test "$sel" \
      -Dmdep.outputFile="$PWD/target/bench/rn-$kind.classpath" >/dev/null
done
RN_CP="$(cat target/bench/rn-groups.classpath):$(cat target/bench/rn-artifacts.classpath)"
EVPL_PORT=8311; RN_PORT=8312
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
COMMON=(--server.address=127.0.0.1 --spring.main.banner-mode=off --logging.level.root=warn)
taskset -c 1 java -jar "$JAR" spring-app --server.port=$EVPL_PORT --evpl.loops.count=1 "${COMMON[@]}" \
    > target/bench/spring-evpl.log 2>&1 & pids+=($!)
taskset -c 1 java -Dreactor.netty.ioWorkerCount=1 -cp "$JAR:$RN_CP" dev.evpl.reactive.samples.Main spring-app \
    --server.port=$RN_PORT --evpl.enabled=false "${COMMON[@]}" > target/bench/spring-rn.log 2>&1 & pids+=($!)
for i in $(seq 150); do
  grep -q LISTENING target/bench/spring-evpl.log 2>/dev/null && grep -q LISTENING target/bench/spring-rn.log 2>/dev/null && break
  sleep 0.2
done
curl -s "http://127.0.0.1:$EVPL_PORT/info" | grep -q evpl-loop || { echo "evpl app not on evpl loops"; exit 1; }
curl -s "http://127.0.0.1:$RN_PORT/info" | grep -vq evpl-loop || { echo "reactor netty app on evpl loops"; exit 1; }
run() { # port -> "req/s p99_ms"
  taskset -c 0 wrk -t1 -c64 -d"${SECS}s" --latency "http://127.0.0.1:$1/hello" 2>/dev/null | awk '
    /Requests\/sec/ {rps=$2}
    /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v}
    END {print rps, p99}'
}
warm() { taskset -c 0 wrk -t1 -c64 -d30s "http://127.0.0.1:$1/hello" >/dev/null 2>&1 || true; }
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
warm $EVPL_PORT; warm $RN_PORT
e_rps=""; e_p99=""; n_rps=""; n_p99=""
for r in $(seq "$ROUNDS"); do
  read -r a b <<< "$(run $EVPL_PORT)"; e_rps+="$a "; e_p99+="$b "
  read -r a b <<< "$(run $RN_PORT)"; n_rps+="$a "; n_p99+="$b "
done
printf '%-26s | %-40s | %-40s | %s\n' "GET /hello (WebFlux)" evpl "reactor-netty" "evpl/rnetty (medians)"
printf '%-26s | %-40s | %-40s | %.3f\n' "requests/s" "$e_rps" "$n_rps" "$(echo "$(echo "$e_rps" | median) / $(echo "$n_rps" | median)" | bc -l)"
printf '%-26s | %-40s | %-40s | %.3f\n' "p99 latency ms" "$e_p99" "$n_p99" "$(echo "$(echo "$e_p99" | median) / $(echo "$n_p99" | median)" | bc -l)"
