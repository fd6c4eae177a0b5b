#!/usr/bin/env bash
# Per-call cost of a system call from Java through JNR-FFI and through FFM (JDK 22+), against the
# same calls from C (the floor): getpid and an io_uring_enter with nothing to do. All on CPU 1,
# C and Java runs alternating; prints the median ns/call of each variant over the rounds.
# Usage: benchmarks/native-call-cost.sh [JAVA_22+] [ROUNDS] [CALLS]
# (after: mvn -B -q install -DskipTests; JAVA_22+ defaults to $JAVA_HOME/bin/java)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${1:-${JAVA_HOME:+$JAVA_HOME/bin/}java}; ROUNDS=${2:-3}; CALLS=${3:-2000000}
mkdir -p target/bench
gcc -O2 -o target/bench/call-floor benchmarks/native-call-cost/floor.c
out=target/bench/native-call-cost.txt; : > "$out"
for r in $(seq "$ROUNDS"); do
  taskset -c 1 target/bench/call-floor "$CALLS" 3 >> "$out"
  taskset -c 1 "$JAVA" --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
    benchmarks/native-call-cost/NativeCallCost.java "$CALLS" 3 2>/dev/null >> "$out"
done
awk '{name = $1 " " $2; v[name] = v[name] " " $3} END {for (n in v) print n, v[n]}' "$out" | sort | while read -r a b rest; do
  med=$(echo "$rest" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{x[NR]=$1} END {print x[int((NR+1)/2)]}')
  printf '%-22s median %6s ns/call  (%s)\n' "$a $b" "$med" "$(echo $rest | wc -w) samples"
done
