# Opens N idle TCP connections to 127.0.0.1:PORT (or a unix path), holds them S seconds.
import socket, sys, time
target, n, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
socks = []
for i in range(n):
    if target.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(target)
    else:
        s = socket.create_connection(("127.0.0.1", int(target)))
    socks.append(s)
print("OPEN", len(socks), flush=True)
time.sleep(hold)
