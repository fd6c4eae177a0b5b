#!/usr/bin/env bash
# Many connections on ONE loop, every stream backend (issue "hold real load and faults").
#  1. N concurrent echo connections, one 64-byte request in flight each: epoll TCP and io_uring TCP
#     under shared/bench's loadgen (`pingpong -c N -q 1`), unix sockets under a Python client
#     (loadgen speaks TCP only); requests/s, errors, server alive, descriptors.
#  2. Memory per idle connection: N idle connections held open (benchmarks/idle-conns.py); live
#     Java heap after a full GC (jcmd) and RSS, before and after, divided by N.
#  3. ALT_ROUNDS alternating rounds at ALT_CONNS connections, io_uring vs epoll, per-round ratios.
# Usage: benchmarks/scale-connections.sh [N=10000] [SECONDS=10] [ALT_CONNS=1000] [ALT_ROUNDS=3]
# (after: mvn -B -q install -DskipTests; needs python3, jcmd; the shell's `ulimit -n` must allow
#  N + a few hundred descriptors per process)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}; SECS=${2:-10}; ALT_CONNS=${3:-1000}; ALT_ROUNDS=${4:-3}
BENCH=../shared/bench
mkdir -p target/bench
[ -x target/bench/loadgen ] || gcc -O2 -pthread -o target/bench/loadgen "$BENCH/loadgen.c" -lm
JAR=samples/target/evpl-samples.jar
PORT=7440
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

start() { # protocol -> starts echo-server on CPU 1, one loop
  local p=$1
  rm -f target/bench/scale.sock
  if [ "$p" = STREAM_SOCKET_UNIX ]; then args=(--path "$PWD/target/bench/scale.sock"); else args=(--host 127.0.0.1 --port $PORT); fi
  taskset -c 1 java -jar "$JAR" echo-server --protocol "$p" "${args[@]}" --threads 1 > target/bench/scale-server.log 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q LISTENING target/bench/scale-server.log 2>/dev/null && break; sleep 0.1; done
  sleep 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; sleep 1; }
heap_kb() { jcmd "$pid" GC.run > /dev/null; jcmd "$pid" GC.heap_info | grep -o 'used [0-9]*K' | tr -dc '0-9\n' | paste -sd+ | bc; }
rss_kb() { awk '/VmRSS/{print $2}' /proc/"$pid"/status; }
load() { # protocol conns seconds -> RESULT line
  if [ "$1" = STREAM_SOCKET_UNIX ]; then
    taskset -c 0 python3 benchmarks/unix-load.py "$PWD/target/bench/scale.sock" "$2" "$3"
  else
    taskset -c 0 target/bench/loadgen pingpong -p $PORT -c "$2" -q 1 -s 64 -d "$3" -w 2 | grep '^RESULT'
  fi
}

echo "== $N concurrent echo connections, one loop, 1 x 64 B in flight each, ${SECS} s"
for p in STREAM_SOCKET_TCP STREAM_IO_URING_TCP STREAM_SOCKET_UNIX; do
  start "$p"
  result=$(load "$p" "$N" "$SECS")
  alive=$(kill -0 "$pid" 2>/dev/null && echo alive || echo DEAD)
  echo "$p: $(echo "$result" | grep -o 'rps=[0-9]*') $(echo "$result" | grep -o 'errors=[0-9]*') server $alive," \
       "exceptions in its log: $(grep -ci exception target/bench/scale-server.log || true)"
  stop
done

echo "== memory per idle connection ($N idle connections)"
for p in STREAM_SOCKET_TCP STREAM_IO_URING_TCP STREAM_SOCKET_UNIX; do
  start "$p"
  h0=$(heap_kb); r0=$(rss_kb)
  target=$PORT; [ "$p" = STREAM_SOCKET_UNIX ] && target="$PWD/target/bench/scale.sock"
  python3 benchmarks/idle-conns.py "$target" "$N" 30 > target/bench/idle.out & cp=$!
  for _ in $(seq 150); do grep -q OPEN target/bench/idle.out 2>/dev/null && break; sleep 0.2; done
  sleep 2
  h1=$(heap_kb); r1=$(rss_kb)
  echo "$p: live heap $(( (h1 - h0) * 1024 / N )) B/conn, RSS $(( (r1 - r0) * 1024 / N )) B/conn"
  kill $cp 2>/dev/null || true
  stop
done

echo "== io_uring vs epoll TCP at $ALT_CONNS connections, $ALT_ROUNDS alternating rounds of ${SECS} s"
for r in $(seq "$ALT_ROUNDS"); do
  start STREAM_SOCKET_TCP; e=$(load STREAM_SOCKET_TCP "$ALT_CONNS" "$SECS" | sed -E 's/.* rps=([0-9]+).*/\1/'); stop
  start STREAM_IO_URING_TCP; u=$(load STREAM_IO_URING_TCP "$ALT_CONNS" "$SECS" | sed -E 's/.* rps=([0-9]+).*/\1/'); stop
  echo "round $r: epoll $e rps, io_uring $u rps, io_uring/epoll $(echo "scale=2; $u / $e" | bc)"
done
