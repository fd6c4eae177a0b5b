#!/usr/bin/env bash
# Two builds' echo servers on ONE core with the load generator (CPU 0): the server's cost per
# message decides. loadgen pingpong 1 conn x 16 in flight x 64 B, alternating per round, per-round
# ratios NEW/OLD and the median. Usage: benchmarks/shared-core-two-builds.sh OLD.jar NEW.jar [PROTOCOL] [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1; NEW=$2; PROTO=${3:-STREAM_IO_URING_TCP}; ROUNDS=${4:-5}; SECS=${5:-4}
mkdir -p target/bench
[ -x target/bench/loadgen ] || gcc -O2 -pthread -o target/bench/loadgen ../shared/bench/loadgen.c -lm
pids=(); trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
taskset -c 0 java -jar "$OLD" echo-server --protocol "$PROTO" --host 127.0.0.1 --port 7361 > target/bench/two-old.log 2>&1 & pids+=($!)
taskset -c 0 java -jar "$NEW" echo-server --protocol "$PROTO" --host 127.0.0.1 --port 7362 > target/bench/two-new.log 2>&1 & pids+=($!)
for f in old new; do for i in $(seq 150); do grep -q LISTENING target/bench/two-$f.log && break; sleep 0.2; done; done
run() { taskset -c 0 target/bench/loadgen pingpong -p "$1" -c 1 -q 16 -s 64 -d "$SECS" -w 2 2>/dev/null | grep '^RESULT' | sed -E 's/.* rps=([0-9.]+).*/\1/'; }
ratios=""
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then o=$(run 7361); n=$(run 7362); else n=$(run 7362); o=$(run 7361); fi
  q=$(echo "scale=3; $n / $o" | bc -l); ratios+="$q "
  echo "round $r: old $o new $n new/old $q"
done
echo "median new/old: $(echo $ratios | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
