#!/usr/bin/env python3
"""CPU a server burns for sporadic traffic: one connection, a 64 B echo every GAP_MS, for SECONDS.
Prints the server process's CPU time (utime+stime from /proc) over the run, per message and as a
share of one core, and the median round trip.
Usage: sporadic-cpu.py PORT PID [GAP_MS] [SECONDS]"""
import os, socket, statistics, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
gap = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.002
secs = float(sys.argv[4]) if len(sys.argv) > 4 else 5
tick = os.sysconf('SC_CLK_TCK')

def cpu():
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick

s = socket.create_connection(('127.0.0.1', port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
msg = b'x' * 64
for _ in range(200):  # warm-up
    s.sendall(msg); s.recv(64)
rtts, n = [], 0
c0, t0 = cpu(), time.monotonic()
end = t0 + secs
while time.monotonic() < end:
    a = time.perf_counter()
    s.sendall(msg)
    got = 0
    while got < 64:
        got += len(s.recv(64 - got))
    rtts.append(time.perf_counter() - a)
    n += 1
    time.sleep(gap)
used, wall = cpu() - c0, time.monotonic() - t0
print(f'RESULT messages={n} server_cpu_s={used:.3f} cpu_share={used / wall:.3f} '
      f'cpu_us_per_msg={used / n * 1e6:.1f} rtt_p50_us={statistics.median(rtts) * 1e6:.1f}')
