package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import dev.evpl.reactive.core.internal.nativeio.SockAddr;
import dev.evpl.reactive.core.internal.nativeio.SockOpt;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** Socket set-up calls for the socket backends (not the hot path: these allocate scratch memory). */
final class SocketOps {
    /** Larger than any kernel's somaxconn: listen() silently caps the backlog at the kernel's maximum. */
    static final int BACKLOG = 65535;

    private SocketOps() {
    }

    /** A resolved target: the sockaddr bytes' family and a printable name. */
    record Target(int family, InetSocketAddress inet, String unixPath, String name) {
        int write(long to) {
            return unixPath != null ? SockAddr.writeUnix(to, unixPath) : SockAddr.writeInet(to, inet);
        }
    }

    static Target target(Protocol protocol, Endpoint endpoint) {
        endpoint.checkFits(protocol);
        if (endpoint.isUnix()) {
            return new Target(Linux.AF_UNIX, null, endpoint.path(), endpoint.path());
        }
        InetSocketAddress a = endpoint.resolve();
        int family = a.getAddress().getAddress().length == 4 ? Linux.AF_INET : Linux.AF_INET6;
        return new Target(family, a, null, endpoint.toString());
    }

    /** A bound, listening, non-blocking stream socket. */
    static int listen(Protocol protocol, Target target) {
        int fd = bound(target, Linux.SOCK_STREAM);
        try {
            Native.check(LIBC.listen(fd, BACKLOG), "listen", target.name());
            return fd;
        } catch (RuntimeException e) {
            LIBC.close(fd);
            throw e;
        }
    }

    /** A bound, non-blocking datagram socket. */
    static int bindDatagram(Target target) {
        return bound(target, Linux.SOCK_DGRAM);
    }

    private static int bound(Target target, int type) {
        int fd = Native.check(LIBC.socket(target.family(), type | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0),
                "socket", target.name());
        long mem = NativeMemory.allocate(SockAddr.MAX_SIZE + 16);
        try {
            if (type == Linux.SOCK_STREAM && target.family() != Linux.AF_UNIX) {
                SockOpt.setInt(mem, fd, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1);
            }
            int len = target.write(mem);
            Native.check(LIBC.bind(fd, mem, len), "bind", target.name());
            return fd;
        } catch (RuntimeException e) {
            LIBC.close(fd);
            throw e;
        } finally {
            NativeMemory.free(mem);
        }
    }

    /**
     * Starts a non-blocking connect. Returns the fd; {@code connected[0]} tells whether it completed
     * at once (unix sockets usually do) or is in progress (EINPROGRESS).
     */
    static int connect(Target target, boolean[] connected) {
        int fd = Native.check(LIBC.socket(target.family(), Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0),
                "socket", target.name());
        long mem = NativeMemory.allocate(SockAddr.MAX_SIZE + 16);
        try {
            int len = target.write(mem);
            int rc = LIBC.connect(fd, mem, len);
            if (rc == 0) {
                connected[0] = true;
                return fd;
            }
            int errno = Native.errno();
            if (errno == Errno.EINPROGRESS || errno == Errno.EAGAIN && target.family() == Linux.AF_UNIX) {
                connected[0] = false;
                return fd;
            }
            throw NativeIoException.of("connect", target.name(), errno);
        } catch (RuntimeException e) {
            LIBC.close(fd);
            throw e;
        } finally {
            NativeMemory.free(mem);
        }
    }

    /** The pending error of a socket (SO_ERROR), 0 when none. */
    static int pendingError(int fd) {
        long mem = NativeMemory.allocate(16);
        try {
            return SockOpt.getInt(mem, fd, Linux.SOL_SOCKET, Linux.SO_ERROR);
        } finally {
            NativeMemory.free(mem);
        }
    }

    static void setNoDelay(int fd) {
        long mem = NativeMemory.allocate(16);
        try {
            SockOpt.setInt(mem, fd, Linux.IPPROTO_TCP, Linux.TCP_NODELAY, 1);
        } finally {
            NativeMemory.free(mem);
        }
    }

    static SocketAddress localAddress(int fd, int family) {
        return address(fd, family, true);
    }

    static SocketAddress remoteAddress(int fd, int family) {
        return address(fd, family, false);
    }

    private static SocketAddress address(int fd, int family, boolean local) {
        long mem = NativeMemory.allocate(SockAddr.MAX_SIZE + 16);
        try {
            long lenAddr = mem + SockAddr.MAX_SIZE;
            NativeMemory.putInt(lenAddr, SockAddr.MAX_SIZE);
            int rc = local ? LIBC.getsockname(fd, mem, lenAddr) : LIBC.getpeername(fd, mem, lenAddr);
            if (rc < 0) {
                return null;
            }
            if (family == Linux.AF_UNIX) {
                String path = SockAddr.readUnix(mem, NativeMemory.getInt(lenAddr));
                return path.isEmpty() ? null : UnixDomainSocketAddress.of(path);
            }
            return SockAddr.readInet(mem);
        } finally {
            NativeMemory.free(mem);
        }
    }
}
