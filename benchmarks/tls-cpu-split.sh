#!/usr/bin/env bash
# Where an HTTPS keep-alive request's CPU goes, evpl against Reactor Netty on the same TLS engine
# family: each server's event-loop thread (the busiest thread of its JVM) under `wrk -t1 -c64`
# (keep-alive GET /hello), its user and system ticks from /proc over one run of SECS seconds, and a
# JFR execution-sample profile of that thread over a second run. Each sample is put with the code it
# runs in: the first frame from the top whose class belongs to the TLS engine (the JDK's
# sun.security.ssl / com.sun.crypto.provider / javax.crypto / sun.security.*, or org.conscrypt), to
# the server (dev.evpl, or io.netty / reactor), or else "other" (JDK collections and the like called
# from the JVM's own code). Per request: system time (the kernel), user time split by those shares.
# The figure that decides "same engine, how much faster can a server be": the other server's time
# per request with its own share removed, i.e. kernel + engine + other, is a floor for any server
# that makes the same system calls and uses the same engine.
# The JDK engine only: its crypto runs as Java (intrinsics), which JFR's execution samples see; an
# OpenSSL-class engine's time in native code is not in them.
# WARMUP (seconds of wrk per server first, default 40: C2 compiles the JDK engine for a long while).
# Usage: benchmarks/tls-cpu-split.sh [SECS] (after: mvn -B -q install -DskipTests; needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
FAMILY=jdk
EVPL_ENGINE=jdk
. benchmarks/tls-bench-common.sh
EVPL=8411; RN=8412
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c 1 java -jar "$JAR" http-server --host 127.0.0.1 --port $EVPL --cert $CERT --key $KEY --engine $EVPL_ENGINE > target/bench/split-evpl.log 2>&1 & pids+=($!)
EPID=$!
taskset -c 1 java -cp "$BJAR" dev.evpl.reactive.benchmarks.ReactorNettyTls https $RN $CERT $KEY $FAMILY > target/bench/split-rn.log 2>&1 & pids+=($!)
RPID=$!
for i in $(seq 150); do
  n=$(cat target/bench/split-evpl.log target/bench/split-rn.log 2>/dev/null | grep -c LISTENING || true)
  [ "$n" -ge 2 ] && break
  sleep 0.2
done
for p in $EVPL $RN; do taskset -c 0 wrk -t1 -c64 -d${WARMUP:-40}s "https://127.0.0.1:$p/hello" >/dev/null 2>&1 || true; done
threads() { # pid -> "tid utime stime" per thread
  for t in /proc/$1/task/*; do echo "$(basename "$t") $(awk '{print $14, $15}' "$t/stat" 2>/dev/null) $(tr ' ' _ < "$t/comm")"; done
}
# Execution samples only (every 2 ms), so the profile costs the server little.
cat > target/bench/split.jfc <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="execution samples">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">2 ms</setting></event>
</configuration>
JFC
measure() { # name pid port: CPU ticks per thread over one wrk run, then a second run under JFR for the shares
  # Each window starts 1 s into its wrk run: wrk's 64 handshakes (delegated tasks, off-loop on evpl) stay out.
  local name=$1 pid=$2 port=$3 jfr=target/bench/split-$1.jfr
  taskset -c 0 wrk -t1 -c64 -d"$((SECS + 2))s" "https://127.0.0.1:$port/hello" > target/bench/split-$name.wrk 2>&1 &
  local w=$!
  sleep 1
  threads "$pid" > target/bench/split-$name.before
  sleep "$SECS"
  threads "$pid" > target/bench/split-$name.after
  wait $w
  taskset -c 0 wrk -t1 -c64 -d"$((SECS + 2))s" "https://127.0.0.1:$port/hello" > /dev/null 2>&1 &
  w=$!
  sleep 1
  jcmd "$pid" JFR.start name=split settings="$(pwd)/target/bench/split.jfc" filename="$(pwd)/$jfr" > /dev/null
  sleep "$SECS"
  jcmd "$pid" JFR.stop name=split > /dev/null
  wait $w
  jfr print --json --stack-depth 64 --events jdk.ExecutionSample "$jfr" > target/bench/split-$name.json
}
measure evpl $EPID $EVPL
measure rnetty $RPID $RN
python3 - "$SECS" "$FAMILY" <<'PY'
import json, sys
secs, family = float(sys.argv[1]), sys.argv[2]
HZ = 100.0
ENGINE = ('sun.security.', 'com.sun.crypto.', 'javax.crypto.', 'javax.net.ssl.', 'org.conscrypt.', 'io.netty.internal.tcnative.')
SERVER = {'evpl': ('dev.evpl.',), 'rnetty': ('io.netty.', 'reactor.')}
def load(name):
    before = {l.split()[0]: l.split()[1:] for l in open(f'target/bench/split-{name}.before') if len(l.split()) == 4}
    after = {l.split()[0]: l.split()[1:] for l in open(f'target/bench/split-{name}.after') if len(l.split()) == 4}
    d = {t: (int(after[t][0]) - int(before[t][0]), int(after[t][1]) - int(before[t][1])) for t in after if t in before}
    comm = {t: after[t][2] for t in after}
    tid, (u, s) = max(d.items(), key=lambda kv: sum(kv[1]))
    rest = sum(a + b for t, (a, b) in d.items() if t != tid)
    busy = sorted(((a + b, comm[t]) for t, (a, b) in d.items() if t != tid and a + b > 0), reverse=True)[:4]
    print(f'{name}: loop thread {comm[tid]} {u + s} ticks; other threads (ticks): ' + ', '.join(f'{c} {n}' for n, c in busy))
    rps = next(float(l.split()[1]) for l in open(f'target/bench/split-{name}.wrk') if l.startswith('Requests/sec'))
    events = json.load(open(f'target/bench/split-{name}.json'))['recording']['events']
    counts = {'engine': 0, 'server': 0, 'other': 0}
    entry = {}
    for e in events:
        v = e['values']
        if v['sampledThread'].get('osThreadId') != int(tid):
            continue
        kind = 'other'
        frames = [f['method']['type']['name'].replace('/', '.') + '.' + f['method']['name'] for f in v['stackTrace']['frames']]
        for f in frames:
            if f.startswith(ENGINE):
                kind = 'engine'; break
            if f.startswith(SERVER[name]):
                kind = 'server'; break
        counts[kind] += 1
        if kind == 'engine':
            # the engine method the server called: the last engine frame before the first server frame
            called = None
            for f in frames:
                if f.startswith(SERVER[name]):
                    break
                if f.startswith(ENGINE):
                    called = f
            entry[called] = entry.get(called, 0) + 1
    n = sum(counts.values()) or 1
    req = rps * secs
    us = lambda ticks: ticks / HZ * 1e6 / req
    user, sys_ = us(u), us(s)
    split = {k: user * c / n for k, c in counts.items()}
    print(f'{name}: engine samples by the engine method the server called: ' + ', '.join(
        f'{k.split(".")[-2]}.{k.split(".")[-1]} {c}' for k, c in sorted(entry.items(), key=lambda kv: -kv[1])[:6] if k))
    return dict(rps=rps, sys=sys_, user=user, samples=n, rest=us(rest), **split)
r = {k: load(k) for k in ('evpl', 'rnetty')}
print(f'engine family {family}; per request, event-loop thread (µs); JFR samples on that thread')
print(f"{'':8s} {'req/s':>9s} {'total':>7s} {'kernel':>7s} {'engine':>7s} {'server':>7s} {'other':>7s} {'samples':>8s} {'other threads':>13s}")
for k, v in r.items():
    print(f"{k:8s} {v['rps']:9.0f} {v['sys'] + v['user']:7.2f} {v['sys']:7.2f} {v['engine']:7.2f} {v['server']:7.2f} {v['other']:7.2f} {v['samples']:8d} {v['rest']:13.2f}")
rn = r['rnetty']
floor = rn['sys'] + rn['engine'] + rn['other']
print(f"Reactor Netty's time per request without its own share (kernel + engine + other): {floor:.2f} µs;")
print(f"a server with no code of its own would be at most {(rn['sys'] + rn['user']) / floor:.2f}x Reactor Netty here;"
      f" evpl is at {(rn['sys'] + rn['user']) / (r['evpl']['sys'] + r['evpl']['user']):.2f}x in CPU per request")
PY
