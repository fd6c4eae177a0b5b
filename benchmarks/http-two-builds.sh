#!/usr/bin/env bash
# Same-run comparison of two builds' http-server samples (a change's before and after): both pinned
# to CPU 1, wrk -t1 -c64 on CPU 0 against GET /hello, plain and with 16 requests pipelined per write
# (TechEmpower's plaintext shape), rounds alternating which build goes first; prints each round's
# req/s and the per-round ratio B/A, then the median ratio per metric.
# Usage: benchmarks/http-two-builds.sh JAR_A JAR_B [ROUNDS] [SECONDS]
# (JAR_x = a samples/target/evpl-samples.jar; build the other one in a git worktree of the old commit;
# needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1; B=$2; ROUNDS=${3:-5}; SECS=${4:-5}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
mkdir -p target/bench
cat > target/bench/pipeline.lua <<'LUA'
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, "/hello") end
  req = table.concat(r)
end
request = function() return req end
LUA
PA=8311; PB=8312
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c 1 java -jar "$A" http-server --host 127.0.0.1 --port $PA > target/bench/http-two-a.log 2>&1 & pids+=($!)
taskset -c 1 java -jar "$B" http-server --host 127.0.0.1 --port $PB > target/bench/http-two-b.log 2>&1 & pids+=($!)
for i in $(seq 100); do
  grep -q LISTENING target/bench/http-two-a.log 2>/dev/null && grep -q LISTENING target/bench/http-two-b.log 2>/dev/null && break
  sleep 0.2
done
run() { # port [script] -> requests/s
  taskset -c 0 wrk -t1 -c64 -d"${SECS}s" ${2:+-s "$2"} "http://127.0.0.1:$1/hello" 2>/dev/null | awk '/Requests\/sec/ {print $2}'
}
for p in $PA $PB; do run $p >/dev/null; run $p target/bench/pipeline.lua >/dev/null; done # warm-up
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for metric in plain pipelined; do
  script=""; [ $metric = pipelined ] && script=target/bench/pipeline.lua
  ratios=()
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then a=$(run $PA $script); b=$(run $PB $script); else b=$(run $PB $script); a=$(run $PA $script); fi
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b / a}')
    ratios+=("$ratio")
    echo "$metric round $r: A $a req/s, B $b req/s, B/A $ratio"
  done
  echo "$metric median B/A: $(printf '%s\n' "${ratios[@]}" | median) ($ROUNDS rounds of $SECS s)"
done
