#!/usr/bin/env bash
# Side-by-side TLS benchmark: evpl against Reactor Netty (one loop each, one engine family on both:
# FAMILY jdk = the JDK's SunJSSE on both; openssl = Conscrypt (BoringSSL) for evpl, netty-tcnative
# (BoringSSL) for Reactor Netty; EC P-256 certificate), same pinning (load on CPU 0, servers on CPU 1), alternating per round,
# medians of ROUNDS:
#   - HTTPS GET /hello keep-alive:        wrk -t1 -c64
#   - handshakes/s (Connection: close):   wrk -t1 -c64 -H 'Connection: close' (a full handshake per request)
#   - TLS echo bulk, 1 connection 128 KiB: the samples' bench (stream mode) as the client for both,
#     on Conscrypt whatever FAMILY is (CLIENT_ENGINE= to change): a client on the JDK engine does the
#     same crypto as the server and ran out of CPU first (92-100 % of CPU 0), so it measured itself
# Usage: [PROTOCOL=STREAM_IO_URING_TCP] benchmarks/https-vs-reactor-netty.sh [ROUNDS] [SECONDS] [jdk|openssl]
# (PROTOCOL: the transport under evpl's TLS, default STREAM_SOCKET_TCP; the client is the same)
# (after: mvn -B -q install -DskipTests; needs wrk built with TLS and openssl)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-5}
FAMILY=${3:-jdk}
case $FAMILY in jdk) EVPL_ENGINE=jdk;; openssl) EVPL_ENGINE=conscrypt;; *) echo "FAMILY must be jdk or openssl"; exit 2;; esac
PROTOCOL=${PROTOCOL:-STREAM_SOCKET_TCP}
echo "engine family: $FAMILY (evpl --engine $EVPL_ENGINE over $PROTOCOL, Reactor Netty $FAMILY)"
. benchmarks/tls-bench-common.sh
EVPL_HTTPS=8401; RN_HTTPS=8402; EVPL_ECHO=8403; RN_ECHO=8404
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c 1 java -jar "$JAR" http-server --host 127.0.0.1 --port $EVPL_HTTPS --protocol $PROTOCOL --cert $CERT --key $KEY --engine $EVPL_ENGINE > target/bench/evpl-https.log 2>&1 & pids+=($!)
taskset -c 1 java -cp "$BJAR" dev.evpl.reactive.benchmarks.ReactorNettyTls https $RN_HTTPS $CERT $KEY $FAMILY > target/bench/rn-https.log 2>&1 & pids+=($!)
taskset -c 1 java -jar "$JAR" echo-server --protocol STREAM_SOCKET_TLS --tls-over $PROTOCOL --host 127.0.0.1 --port $EVPL_ECHO --cert $CERT --key $KEY --engine $EVPL_ENGINE > target/bench/evpl-tls-echo.log 2>&1 & pids+=($!)
taskset -c 1 java -cp "$BJAR" dev.evpl.reactive.benchmarks.ReactorNettyTls echo $RN_ECHO $CERT $KEY $FAMILY > target/bench/rn-tls-echo.log 2>&1 & pids+=($!)
for i in $(seq 150); do
  n=$(cat target/bench/evpl-https.log target/bench/rn-https.log target/bench/evpl-tls-echo.log target/bench/rn-tls-echo.log 2>/dev/null | grep -c LISTENING || true)
  [ "$n" -ge 4 ] && break
  sleep 0.2
done
wrk_rps() { # port [extra wrk args...] -> requests/s
  local port=$1; shift
  taskset -c 0 wrk -t1 -c64 -d"${SECS}s" "$@" "https://127.0.0.1:$port/hello" 2>/dev/null | awk '/Requests\/sec/ {print $2}'
}
echo_gbps() { # port -> Gbit/s echoed
  taskset -c 0 java -jar "$JAR" bench --protocol STREAM_SOCKET_TLS --connect 127.0.0.1:$1 --insecure --engine ${CLIENT_ENGINE:-conscrypt} --mode stream \
    --conns 1 --size 131072 --seconds "$SECS" --warmup 2 2>/dev/null | awk '/^RESULT/ {for (i = 1; i <= NF; i++) if ($i ~ /^gbps=/) print substr($i, 6)}'
}
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for p in $EVPL_HTTPS $RN_HTTPS; do
  taskset -c 0 wrk -t1 -c64 -d20s "https://127.0.0.1:$p/hello" >/dev/null 2>&1 || true  # C2 compiles the JDK engine for ~15 s
  taskset -c 0 wrk -t1 -c64 -d5s -H 'Connection: close' "https://127.0.0.1:$p/hello" >/dev/null 2>&1 || true
done
echo_gbps $EVPL_ECHO >/dev/null; echo_gbps $RN_ECHO >/dev/null
declare -A res
for r in $(seq "$ROUNDS"); do
  res[evpl,ka]+="$(wrk_rps $EVPL_HTTPS) "
  res[rnetty,ka]+="$(wrk_rps $RN_HTTPS) "
  res[evpl,hs]+="$(wrk_rps $EVPL_HTTPS -H 'Connection: close') "
  res[rnetty,hs]+="$(wrk_rps $RN_HTTPS -H 'Connection: close') "
  res[evpl,echo]+="$(echo_gbps $EVPL_ECHO) "
  res[rnetty,echo]+="$(echo_gbps $RN_ECHO) "
done
printf '%-34s | %-40s | %-40s | %s\n' metric evpl "reactor-netty" "evpl/rnetty (medians)"
for m in ka hs echo; do
  case $m in ka) label="HTTPS GET keep-alive req/s";; hs) label="HTTPS Connection: close req/s";; echo) label="TLS echo 1x128KiB Gbit/s";; esac
  e=$(echo "${res[evpl,$m]}" | median); n=$(echo "${res[rnetty,$m]}" | median)
  printf '%-34s | %-40s | %-40s | %.3f\n' "$label" "${res[evpl,$m]}" "${res[rnetty,$m]}" "$(echo "$e / $n" | bc -l)"
done
