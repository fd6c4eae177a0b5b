#!/usr/bin/env bash
# Side-by-side block I/O benchmark on one file: evpl's block-bench (io_uring on one loop), fio with
# --ioengine=io_uring, and two JDK FileChannel baselines (QD threads of blocking positional reads;
# the same reads as tasks on Reactor's boundedElastic), each pinned to CPU 1, one after another in
# every round (the order rotates per round). Cases: 4 KiB randread QD1 and QD32 and 128 KiB seqread
# QD8 with O_DIRECT (the virtual disk: its speed drifts a lot over minutes), and 4 KiB randread QD32
# from the page cache (no device: the software path alone; fio with --invalidate=0, else it drops
# the cache first). Each run has 2 s of warm-up not
# counted (block-bench --warmup, fio --ramp_time): the JVM compiles its hot path on the pinned CPU
# meanwhile. Reported: each engine's median IOPS, and the median over rounds of the per-round
# ratios (runs of one round are seconds apart, so the disk's drift cancels better than in a ratio
# of medians). Usage: benchmarks/block-vs-fio.sh [ROUNDS] [SECONDS] [FILE]
# (after: mvn -B -q install -DskipTests; needs fio: apt-get install fio)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SECS=${2:-4}
FILE=${3:-target/bench/block.dat}
command -v fio >/dev/null || { echo "fio is not installed (apt-get install fio)"; exit 2; }
mkdir -p "$(dirname "$FILE")"
JAR=samples/target/evpl-samples.jar
# Lay the file out once (1 GiB of data, not a hole).
java -jar "$JAR" block-bench --file "$FILE" --size 1g --bs 4k --qd 1 --pattern randread --seconds 1 --warmup 0 >/dev/null
OUT=$(mktemp)
run() { # engine bs qd pattern direct(1|0) -> iops
  local d=""; [ "$5" = 1 ] && d="--direct"
  if [ "$1" = fio ]; then
    taskset -c 1 fio --name=b --filename="$FILE" --ioengine=io_uring --direct="$5" --rw="$4" --bs="$2" --iodepth="$3" \
      --size=1g --invalidate=0 --ramp_time=2 --runtime="$SECS" --time_based --output-format=json 2>/dev/null \
      | python3 -c 'import json,sys; j=json.load(sys.stdin); print(round(j["jobs"][0]["read"]["iops"]))'
  else
    local pat=$4; [ "$pat" = read ] && pat=seqread
    local proto=$1 sub=""; [ "$1" = IO_URING_BATCHED ] && { proto=IO_URING; sub="--submit batched"; }
    [ "$1" = IO_URING_EACH ] && { proto=IO_URING; sub="--submit each"; }
    taskset -c 1 java -jar "$JAR" block-bench --file "$FILE" --size 1g --bs "$2" --qd "$3" --pattern "$pat" --seconds "$SECS" \
      $d --protocol "$proto" $sub | awk '/^RESULT/ { for (i = 1; i <= NF; i++) if ($i ~ /^iops=/) { sub("iops=", "", $i); print $i } }'
  fi
}
# CASES="bs qd pattern direct;…" picks cases (e.g. CASES="4k 32 randread 0").
if [ -n "${CASES:-}" ]; then IFS=';' read -r -a cases <<< "$CASES"; else
  cases=("4k 1 randread 1" "4k 32 randread 1" "128k 8 read 1" "4k 32 randread 0"); fi
# ENGINES="IO_URING IO_URING_BATCHED fio" picks engines (IO_URING_BATCHED / IO_URING_EACH: io_uring with
# --submit batched / each, against the device's default: each operation submitted at once with O_DIRECT).
read -r -a engines <<< "${ENGINES:-IO_URING fio FILECHANNEL FILECHANNEL_ELASTIC}"
E=${#engines[@]}
for r in $(seq "$ROUNDS"); do
  cat "$FILE" > /dev/null # the page-cache case reads from memory
  for c in "${cases[@]}"; do
    set -- $c
    for k in $(seq 0 $((E - 1))); do
      e=${engines[$(( (k + r) % E ))]}
      echo "$r|$c|$e|$(run "$e" "$1" "$2" "$3" "$4")" >> "$OUT"
    done
  done
done
python3 - "$OUT" <<'PY'
import sys, statistics as st
rows = [l.strip().split('|') for l in open(sys.argv[1]) if l.strip()]
res = {}
for r, c, e, v in rows:
    res.setdefault(c, {}).setdefault(e, {})[r] = float(v or 0)
names = {'IO_URING': 'evpl io_uring', 'fio': 'fio io_uring', 'FILECHANNEL': 'FileChannel x QD threads',
         'FILECHANNEL_ELASTIC': 'FileChannel on boundedElastic', 'IO_URING_BATCHED': 'evpl io_uring, batched',
         'IO_URING_EACH': 'evpl io_uring, each'}
for c, by in res.items():
    bs, qd, pat, direct = c.split()
    print(f"{bs} {pat} QD{qd} {'O_DIRECT' if direct == '1' else 'page cache'}")
    for e in [e for e in names if e in by]:
        v = by.get(e, {})
        print(f"  {names[e]:31s} median {st.median(v.values()):9.0f}  rounds " + ' '.join(f"{v[k]:.0f}" for k in sorted(v)))
    ev = by['IO_URING']
    for e in [e for e in names if e in by and e != 'IO_URING']:
        ratios = [ev[k] / by[e][k] for k in ev if by[e].get(k)]
        print(f"  evpl / {names[e]:24s} {st.median(ratios):.3f}  (per round: " + ' '.join(f"{x:.2f}" for x in ratios) + ")")
PY
rm -f "$OUT"
