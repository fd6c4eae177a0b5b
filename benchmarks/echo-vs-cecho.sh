#!/usr/bin/env bash
# Side-by-side echo benchmark: evpl's echo-server, Reactor Netty's echo (1 loop) and shared/bench's C
# epoll echo (cecho), same pinning (load generator on CPU 0, servers on CPU 1), alternating per round,
# medians of ROUNDS. Usage: benchmarks/echo-vs-cecho.sh [ROUNDS] [SECONDS]
# (after: mvn -B -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-5}
BENCH=../shared/bench
mkdir -p target/bench
[ -x target/bench/loadgen ] || gcc -O2 -pthread -o target/bench/loadgen "$BENCH/loadgen.c" -lm
[ -x target/bench/cecho ] || gcc -O2 -pthread -o target/bench/cecho "$BENCH/cecho.c"
JAR=samples/target/evpl-samples.jar
EVPL_PORT=7301; UDP_PORT=7302; C_PORT=7303; RN_PORT=7304; RN_UDP_PORT=7305; URING_PORT=7306
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c 1 java -jar "$JAR" echo-server --protocol STREAM_SOCKET_TCP --host 127.0.0.1 --port $EVPL_PORT > target/bench/evpl-echo.log 2>&1 & pids+=($!)
taskset -c 1 java -jar "$JAR" echo-server --protocol STREAM_IO_URING_TCP --host 127.0.0.1 --port $URING_PORT > target/bench/evpl-uring-echo.log 2>&1 & pids+=($!)
taskset -c 1 java -jar "$JAR" echo-server --protocol DATAGRAM_SOCKET_UDP --host 127.0.0.1 --port $UDP_PORT > target/bench/evpl-udp-echo.log 2>&1 & pids+=($!)
taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.evpl.reactive.benchmarks.ReactorNettyEcho $RN_PORT $RN_UDP_PORT > target/bench/rn-echo.log 2>&1 & pids+=($!)
taskset -c 1 target/bench/cecho -p $C_PORT > target/bench/cecho.log 2>&1 & pids+=($!)
for i in $(seq 100); do
  grep -q LISTENING target/bench/evpl-echo.log 2>/dev/null && grep -q LISTENING target/bench/evpl-udp-echo.log 2>/dev/null \
    && grep -q LISTENING target/bench/evpl-uring-echo.log 2>/dev/null \
    && grep -q 'LISTENING reactor-netty ' target/bench/rn-echo.log 2>/dev/null && break
  sleep 0.2
done

run() { # mode port extra-args... -> prints rps (pingpong, udp) or gbps (stream)
  local mode=$1 port=$2; shift 2
  local line; line=$(taskset -c 0 target/bench/loadgen "$mode" -p "$port" "$@" -d "$SECS" -w 2 2>/dev/null | grep '^RESULT')
  if [ "$mode" = stream ]; then echo "$line" | sed -E 's/.* gbps=([0-9.]+).*/\1/'; else echo "$line" | sed -E 's/.* rps=([0-9.]+).*/\1/'; fi
}
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A res
for r in $(seq "$ROUNDS"); do
  for name in evpl uring rnetty cecho; do
    case $name in evpl) port=$EVPL_PORT;; uring) port=$URING_PORT;; rnetty) port=$RN_PORT;; cecho) port=$C_PORT;; esac
    res[$name,pp]+="$(run pingpong $port -c 16 -q 16 -s 64) "
    res[$name,st]+="$(run stream $port -c 1 -s 131072) "
    case $name in evpl) uport=$UDP_PORT;; rnetty) uport=$RN_UDP_PORT;; cecho) uport=$C_PORT;; *) uport=;; esac
    [ -n "$uport" ] && res[$name,udp]+="$(run udp $uport -c 1 -q 16 -s 64) "
  done
done
printf '%-26s | %-32s | %-32s | %-32s | %-32s | %s\n' metric evpl "evpl io_uring" "reactor-netty" cecho "evpl/cecho evpl/rnetty uring/epoll (medians)"
for m in pp st udp; do
  case $m in pp) label="pingpong 16x16x64B req/s";; st) label="stream 128KiB Gbit/s";; udp) label="udp 1x16x64B req/s";; esac
  e=$(echo "${res[evpl,$m]}" | median); c=$(echo "${res[cecho,$m]}" | median); n=$(echo "${res[rnetty,$m]:-}" | median)
  u=$(echo "${res[uring,$m]:-}" | median)
  ratio_n=$([ -n "$n" ] && echo "scale=3; $e / $n" | bc -l || echo "-")
  ratio_u=$([ -n "$u" ] && echo "scale=3; $u / $e" | bc -l || echo "-")
  printf '%-26s | %-32s | %-32s | %-32s | %-32s | %.3f %s %s\n' "$label" "${res[evpl,$m]}" "${res[uring,$m]:--}" "${res[rnetty,$m]:--}" \
    "${res[cecho,$m]}" "$(echo "$e / $c" | bc -l)" "$ratio_n" "$ratio_u"
done
