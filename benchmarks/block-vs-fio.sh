#!/usr/bin/env bash
# Side-by-side block I/O benchmark on one file: evpl's block-bench (io_uring on one loop), fio with
# --ioengine=io_uring, and a JDK FileChannel baseline (QD threads doing positional reads), each
# pinned to CPU 1, alternating per round, medians of ROUNDS. Cases: 4 KiB randread QD1 and QD32
# (O_DIRECT), 128 KiB seqread QD8 (O_DIRECT). Usage: benchmarks/block-vs-fio.sh [ROUNDS] [SECONDS] [FILE]
# (after: mvn -B -q install -DskipTests; needs fio: apt-get install fio)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-5}
FILE=${3:-target/bench/block.dat}
command -v fio >/dev/null || { echo "fio is not installed (apt-get install fio)"; exit 2; }
mkdir -p "$(dirname "$FILE")"
JAR=samples/target/evpl-samples.jar
# Lay the file out once (1 GiB of data, not a hole).
java -jar "$JAR" block-bench --file "$FILE" --size 1g --bs 4k --qd 1 --pattern randread --seconds 1 >/dev/null
evpl() { # engine bs qd pattern -> iops
  taskset -c 1 java -jar "$JAR" block-bench --file "$FILE" --size 1g --bs "$2" --qd "$3" --pattern "$4" --seconds "$SECS" \
    --direct --protocol "$1" | awk '/^RESULT/ { for (i = 1; i <= NF; i++) if ($i ~ /^iops=/) { sub("iops=", "", $i); print $i } }'
}
fio_iops() { # bs qd pattern -> iops
  taskset -c 1 fio --name=b --filename="$FILE" --ioengine=io_uring --direct=1 --rw="$3" --bs="$1" --iodepth="$2" \
    --size=1g --runtime="$SECS" --time_based --output-format=json 2>/dev/null \
    | python3 -c 'import json,sys; j=json.load(sys.stdin); print(round(j["jobs"][0]["read"]["iops"]))'
}
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A res
cases=("4k 1 randread" "4k 32 randread" "128k 8 read")
for r in $(seq "$ROUNDS"); do
  for c in "${cases[@]}"; do
    set -- $c
    pat=$3; [ "$pat" = read ] && pat=seqread
    res[$c,evpl]+="$(evpl IO_URING "$1" "$2" "$pat") "
    res[$c,fio]+="$(fio_iops "$1" "$2" "$3") "
    res[$c,fc]+="$(evpl FILECHANNEL "$1" "$2" "$pat") "
  done
done
printf '%-22s | %-26s | %-26s | %-26s | %s\n' case "evpl io_uring" "fio io_uring" "FileChannel x QD threads" "evpl/fio evpl/FileChannel (medians)"
for c in "${cases[@]}"; do
  e=$(echo "${res[$c,evpl]}" | median); f=$(echo "${res[$c,fio]}" | median); j=$(echo "${res[$c,fc]}" | median)
  printf '%-22s | %-26s | %-26s | %-26s | %.3f %.3f\n' "$c" "${res[$c,evpl]}" "${res[$c,fio]}" "${res[$c,fc]}" \
    "$(echo "$e / $f" | bc -l)" "$(echo "$e / $j" | bc -l)"
done
