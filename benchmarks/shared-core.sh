#!/usr/bin/env bash
# Server cost per message on a shared core: the load generator and the server on the SAME CPU (0),
# so every cycle the server spends (or spins away) is a cycle the client lacks. loadgen pingpong
# 1 conn x 16 in flight x 64 B against cecho, evpl epoll TCP and evpl io_uring TCP, alternating per
# round; medians of ROUNDS and per-round ratios. Servers: epoll/uring = defaults (adaptive spin),
# epoll0/uring0 = --spin-us 0 (never spin), uringfix = a fixed 1 ms window that never backs off
# (--spin-min-us 1000 --spin-core-share 0: the loop before the adaptive spin).
# Usage: benchmarks/shared-core.sh [ROUNDS] [SECONDS] [CPU]   (after: mvn -B -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-5}
CPU=${3:-0}
BENCH=../shared/bench
mkdir -p target/bench
[ -x target/bench/loadgen ] || gcc -O2 -pthread -o target/bench/loadgen "$BENCH/loadgen.c" -lm
[ -x target/bench/cecho ] || gcc -O2 -pthread -o target/bench/cecho "$BENCH/cecho.c"
JAR=samples/target/evpl-samples.jar
declare -A port=([cecho]=7321 [epoll]=7322 [uring]=7323 [uring0]=7324 [epoll0]=7325 [uringfix]=7326)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c "$CPU" target/bench/cecho -p ${port[cecho]} > target/bench/sc-cecho.log 2>&1 & pids+=($!)
start() { # name protocol extra...
  local name=$1 proto=$2; shift 2
  taskset -c "$CPU" java -jar "$JAR" echo-server --protocol "$proto" --host 127.0.0.1 --port ${port[$name]} "$@" \
    > target/bench/sc-$name.log 2>&1 & pids+=($!)
}
start epoll STREAM_SOCKET_TCP
start epoll0 STREAM_SOCKET_TCP --spin-us 0
start uring STREAM_IO_URING_TCP
start uring0 STREAM_IO_URING_TCP --spin-us 0
start uringfix STREAM_IO_URING_TCP --spin-min-us 1000 --spin-core-share 0
for n in epoll epoll0 uring uring0 uringfix; do
  for i in $(seq 150); do grep -q LISTENING target/bench/sc-$n.log 2>/dev/null && break; sleep 0.2; done
  grep -q LISTENING target/bench/sc-$n.log || { echo "$n did not start"; cat target/bench/sc-$n.log; exit 1; }
done
NAMES="cecho epoll epoll0 uring uring0 uringfix"
run() { taskset -c "$CPU" target/bench/loadgen pingpong -p "$1" -c 1 -q 16 -s 64 -d "$SECS" -w 2 2>/dev/null \
  | grep '^RESULT' | sed -E 's/.* rps=([0-9.]+).*/\1/'; }
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A res
rounds=()
for r in $(seq "$ROUNDS"); do
  order=$NAMES; [ $((r % 2)) -eq 0 ] && order=$(echo $NAMES | tr ' ' '\n' | tac | tr '\n' ' ')
  declare -A this=()
  for n in $order; do this[$n]=$(run ${port[$n]}); res[$n]+="${this[$n]} "; done
  line="round $r:"
  for n in epoll epoll0 uring uring0 uringfix; do line+=" $n/cecho=$(echo "scale=3; ${this[$n]} / ${this[cecho]}" | bc -l)"; done
  line+=" uring/epoll=$(echo "scale=3; ${this[uring]} / ${this[epoll]}" | bc -l)"
  echo "$line"
done
c=$(echo "${res[cecho]}" | median)
printf '%-8s | %-40s | %s\n' server "req/s per round" "median, /cecho"
for n in $NAMES; do
  m=$(echo "${res[$n]}" | median)
  printf '%-8s | %-40s | %s %.3f\n' "$n" "${res[$n]}" "$m" "$(echo "$m / $c" | bc -l)"
done
