#!/usr/bin/env bash
# Same-run comparison of two builds' echo servers (a change's before and after): both echo-servers
# pinned to CPU 1, shared/bench's loadgen on CPU 0, rounds alternating which build goes first;
# prints each round's req/s and the per-round ratio B/A, then the median ratio.
# Usage: benchmarks/echo-two-builds.sh JAR_A JAR_B [PROTOCOL] [ROUNDS] [SECONDS] [CONNS] [INFLIGHT]
# (JAR_x = a samples/target/evpl-samples.jar; build the other one in a git worktree of the old commit)
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1; B=$2; PROTO=${3:-STREAM_SOCKET_TCP}; ROUNDS=${4:-5}; SECS=${5:-5}; CONNS=${6:-16}; Q=${7:-16}
BENCH=../shared/bench
mkdir -p target/bench
[ -x target/bench/loadgen ] || gcc -O2 -pthread -o target/bench/loadgen "$BENCH/loadgen.c" -lm
PA=7401; PB=7402
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c 1 java -jar "$A" echo-server --protocol "$PROTO" --host 127.0.0.1 --port $PA > target/bench/two-a.log 2>&1 & pids+=($!)
taskset -c 1 java -jar "$B" echo-server --protocol "$PROTO" --host 127.0.0.1 --port $PB > target/bench/two-b.log 2>&1 & pids+=($!)
for i in $(seq 100); do
  grep -q LISTENING target/bench/two-a.log 2>/dev/null && grep -q LISTENING target/bench/two-b.log 2>/dev/null && break
  sleep 0.2
done
run() { taskset -c 0 target/bench/loadgen pingpong -p "$1" -c "$CONNS" -q "$Q" -s 64 -d "$SECS" -w 2 2>/dev/null \
  | grep '^RESULT' | sed -E 's/.* rps=([0-9.]+).*/\1/'; }
ratios=()
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then a=$(run $PA); b=$(run $PB); else b=$(run $PB); a=$(run $PA); fi
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b / a}')
  ratios+=("$ratio")
  echo "round $r: A $a req/s, B $b req/s, B/A $ratio"
done
echo "median B/A: $(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ($PROTO, $CONNS conns x $Q in flight, 64 B, $ROUNDS rounds of $SECS s)"
