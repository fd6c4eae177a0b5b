#!/usr/bin/env bash
# Side-by-side HTTP benchmark: evpl's http-server sample, Reactor Netty's HttpServer (1 loop) and
# shared/bench's C canned responder (cecho -H, GET only), same pinning (wrk on CPU 0, servers on
# CPU 1), alternating per round, medians of ROUNDS. wrk -t1 -c64 on GET /hello and on POST /echo
# with a 64-byte body, and GET /hello with 16 requests pipelined per write (TechEmpower's plaintext
# shape; wrk counts responses). Usage: benchmarks/http-vs-reactor-netty.sh [ROUNDS] [SECONDS]
# (after: mvn -B -q install -DskipTests; needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-5}
BENCH=../shared/bench
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
mkdir -p target/bench
[ -x target/bench/cecho ] || gcc -O2 -pthread -o target/bench/cecho "$BENCH/cecho.c"
JAR=samples/target/evpl-samples.jar
EVPL_PORT=8301; RN_PORT=8304; C_PORT=8303; C_HTTP_PORT=8305
cat > target/bench/post.lua <<'LUA'
wrk.method = "POST"
wrk.body   = string.rep("x", 64)
wrk.headers["Content-Type"] = "application/octet-stream"
LUA
cat > target/bench/pipeline.lua <<'LUA'
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, "/hello") end
  req = table.concat(r)
end
request = function() return req end
LUA
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c 1 java -jar "$JAR" http-server --host 127.0.0.1 --port $EVPL_PORT > target/bench/evpl-http.log 2>&1 & pids+=($!)
taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.evpl.reactive.benchmarks.ReactorNettyHttp $RN_PORT > target/bench/rn-http.log 2>&1 & pids+=($!)
taskset -c 1 target/bench/cecho -p $C_PORT -H $C_HTTP_PORT > target/bench/cecho-http.log 2>&1 & pids+=($!)
for i in $(seq 100); do
  grep -q LISTENING target/bench/evpl-http.log 2>/dev/null && grep -q LISTENING target/bench/rn-http.log 2>/dev/null && break
  sleep 0.2
done
run() { # port path [script] -> requests/s
  local port=$1 path=$2 script=${3:-}
  local args=(-t1 -c64 -d"${SECS}s")
  [ -n "$script" ] && args+=(-s "$script")
  taskset -c 0 wrk "${args[@]}" "http://127.0.0.1:$port$path" 2>/dev/null | awk '/Requests\/sec/ {print $2}'
}
warm() { taskset -c 0 wrk -t1 -c64 -d10s ${3:+-s "$3"} "http://127.0.0.1:$1$2" >/dev/null 2>&1 || true; }
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
warm $EVPL_PORT /hello; warm $RN_PORT /hello; warm $EVPL_PORT /echo target/bench/post.lua; warm $RN_PORT /echo target/bench/post.lua
declare -A res
for r in $(seq "$ROUNDS"); do
  res[evpl,get]+="$(run $EVPL_PORT /hello) "
  res[rnetty,get]+="$(run $RN_PORT /hello) "
  res[cecho,get]+="$(run $C_HTTP_PORT /hello) "
  res[evpl,pipe]+="$(run $EVPL_PORT /hello target/bench/pipeline.lua) "
  res[rnetty,pipe]+="$(run $RN_PORT /hello target/bench/pipeline.lua) "
  res[cecho,pipe]+="$(run $C_HTTP_PORT /hello target/bench/pipeline.lua) "
  res[evpl,post]+="$(run $EVPL_PORT /echo target/bench/post.lua) "
  res[rnetty,post]+="$(run $RN_PORT /echo target/bench/post.lua) "
done
printf '%-22s | %-36s | %-36s | %-36s | %s\n' metric evpl "reactor-netty" "cecho (canned)" "evpl/rnetty evpl/cecho (medians)"
for m in get pipe post; do
  case $m in get) label="GET /hello req/s";; pipe) label="GET x16 pipelined req/s";; post) label="POST /echo 64B req/s";; esac
  e=$(echo "${res[evpl,$m]}" | median); n=$(echo "${res[rnetty,$m]}" | median); c=$(echo "${res[cecho,$m]:-}" | median)
  ratio_c=$([ -n "$c" ] && echo "scale=3; $e / $c" | bc -l || echo "-")
  printf '%-22s | %-36s | %-36s | %-36s | %.3f %s\n' "$label" "${res[evpl,$m]}" "${res[rnetty,$m]}" "${res[cecho,$m]:--}" \
    "$(echo "$e / $n" | bc -l)" "$ratio_c"
done
