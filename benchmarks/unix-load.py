# N concurrent unix-socket echo connections, 1 request of 64 B in flight on each, for D seconds.
import selectors, socket, sys, time
path, n, dur = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sel = selectors.DefaultSelector()
msg = b"x" * 64
socks = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.setblocking(False)
    socks.append(s)
    sel.register(s, selectors.EVENT_READ, [0])
for s in socks:
    s.send(msg)
done = errors = 0
end = time.time() + dur
while time.time() < end:
    for key, _ in sel.select(timeout=1):
        s = key.fileobj
        try:
            data = s.recv(65536)
        except OSError:
            errors += 1; continue
        if not data:
            errors += 1; sel.unregister(s); continue
        key.data[0] += len(data)
        while key.data[0] >= 64:
            key.data[0] -= 64
            done += 1
            s.send(msg)
print(f"RESULT unix conns={n} requests={done} rps={done/dur:.0f} errors={errors}")
