#!/usr/bin/env bash
# Per-message cost on a shared core, counted: the load generator and each server on the SAME CPU,
# loadgen pingpong 1 conn x 16 in flight x 64 B; for each server (cecho, evpl epoll TCP, evpl
# io_uring TCP, defaults) over SECONDS of load: messages/s, server CPU per message split user/system
# (/proc/PID/stat), system calls per message by kind and context switches per message (perf stat
# tracepoints on the server process). Alternating order per round.
# Usage: benchmarks/shared-core-perf.sh [ROUNDS] [SECONDS] [CPU]   (after: mvn -B -q install -DskipTests; needs perf)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
SECS=${2:-4}
CPU=${3:-0}
BENCH=../shared/bench
command -v perf >/dev/null || { echo "perf is not installed"; exit 2; }
mkdir -p target/bench
[ -x target/bench/loadgen ] || gcc -O2 -pthread -o target/bench/loadgen "$BENCH/loadgen.c" -lm
[ -x target/bench/cecho ] || gcc -O2 -pthread -o target/bench/cecho "$BENCH/cecho.c"
JAR=samples/target/evpl-samples.jar
declare -A port=([cecho]=7331 [epoll]=7332 [uring]=7333)
declare -A pid
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c "$CPU" target/bench/cecho -p ${port[cecho]} > target/bench/scp-cecho.log 2>&1 & pids+=($!); pid[cecho]=$!
taskset -c "$CPU" java -jar "$JAR" echo-server --protocol STREAM_SOCKET_TCP --host 127.0.0.1 --port ${port[epoll]} \
  > target/bench/scp-epoll.log 2>&1 & pids+=($!); pid[epoll]=$!
taskset -c "$CPU" java -jar "$JAR" echo-server --protocol STREAM_IO_URING_TCP --host 127.0.0.1 --port ${port[uring]} \
  > target/bench/scp-uring.log 2>&1 & pids+=($!); pid[uring]=$!
for n in epoll uring; do
  for i in $(seq 150); do grep -q LISTENING target/bench/scp-$n.log 2>/dev/null && break; sleep 0.2; done
done
EVENTS=task-clock,context-switches,raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_io_uring_enter
ticks() { awk '{print $14, $15}' /proc/$1/stat; }
HZ=$(getconf CLK_TCK)
for n in cecho epoll uring; do # warm-up (JIT)
  taskset -c "$CPU" target/bench/loadgen pingpong -p ${port[$n]} -c 1 -q 16 -s 64 -d 3 -w 1 >/dev/null 2>&1 || true
done
printf '%-6s %-5s %10s %9s %9s %9s %8s %s\n' server round msgs/s "cpu_us/m" "user_us" "sys_us" "cs/m" "syscalls per message"
for r in $(seq "$ROUNDS"); do
  order="cecho epoll uring"; [ $((r % 2)) -eq 0 ] && order="uring epoll cecho"
  for n in $order; do
    read -r u0 s0 < <(ticks ${pid[$n]})
    taskset -c "$CPU" target/bench/loadgen pingpong -p ${port[$n]} -c 1 -q 16 -s 64 -d "$SECS" -w 1 > target/bench/scp-lg.out 2>/dev/null &
    lg=$!
    sleep 1 # loadgen's warm-up second
    read -r u1 s1 < <(ticks ${pid[$n]})
    perf stat -x, -e "$EVENTS" -p ${pid[$n]} -- sleep "$SECS" 2> target/bench/scp-perf.out >/dev/null
    read -r u2 s2 < <(ticks ${pid[$n]})
    wait $lg || true
    rps=$(grep '^RESULT' target/bench/scp-lg.out | sed -E 's/.* rps=([0-9.]+).*/\1/')
    msgs=$(echo "$rps * $SECS" | bc -l)
    awk -F, -v m="$msgs" -v n="$n" -v r="$r" -v rps="$rps" -v du=$((u2 - u1)) -v ds=$((s2 - s1)) -v hz="$HZ" -v secs="$SECS" '
      { v[$3] = $1 }
      END {
        cpu = v["task-clock"] * 1000 / m;  # task-clock is in ms
        calls = "";
        split("read write writev recvfrom sendto epoll_pwait2 epoll_wait io_uring_enter", k, " ");
        for (i = 1; i <= 8; i++) { c = v["syscalls:sys_enter_" k[i]]; if (c > 0) calls = calls sprintf(" %s=%.3f", k[i], c / m) }
        calls = calls sprintf(" all=%.3f", v["raw_syscalls:sys_enter"] / m);
        printf "%-6s %-5s %10.0f %9.3f %9.3f %9.3f %8.3f%s\n", n, r, rps, cpu, du * 1e6 / hz / m, ds * 1e6 / hz / m, v["context-switches"] / m, calls
      }' target/bench/scp-perf.out
  done
done
