package dev.evpl.reactive.core.internal.nativeio;

import dev.evpl.reactive.core.io.Errno;
import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.io.NativeIoException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every libc binding against the real kernel: struct layouts are checked by round trips through
 * the kernel (what we write is what the kernel reads back), and every binding with six or more
 * parameters is called with a meaningful last argument (jnr-ffi#181 would garble it).
 */
class NativeBindingsTest {
    private long mem;

    @BeforeEach
    void allocate() {
        mem = NativeMemory.allocate(64 * 1024);
    }

    @AfterEach
    void free() {
        NativeMemory.free(mem);
    }

    // ------------------------------------------------------------------ errno and exceptions

    @Test
    void errnoOfAFailedCallIsNamed() {
        assertThat(LIBC.close(-1)).isEqualTo(-1);
        NativeIoException e = Native.error("close", "fd -1");
        assertThat(e.errno()).isEqualTo(Errno.EBADF);
        assertThat(e.errnoName()).isEqualTo("EBADF");
        assertThat(e.getMessage()).isEqualTo("close fd -1: EBADF (9)");
        assertThat(e.description()).containsIgnoringCase("bad file");
    }

    @Test
    void errnoNamesMatchTheKernelNumbers() {
        assertThat(Errno.name(Errno.EAGAIN)).isEqualTo("EAGAIN");
        assertThat(Errno.name(Errno.ECONNREFUSED)).isEqualTo("ECONNREFUSED");
        assertThat(Errno.name(Errno.EINPROGRESS)).isEqualTo("EINPROGRESS");
        assertThat(Errno.name(Errno.ECONNRESET)).isEqualTo("ECONNRESET");
        assertThat(Errno.name(Errno.ETIMEDOUT)).isEqualTo("ETIMEDOUT");
        assertThat(Errno.name(Errno.ENOSYS)).isEqualTo("ENOSYS");
        assertThat(Errno.name(Errno.ECANCELED)).isEqualTo("ECANCELED");
        assertThat(Errno.name(99_999)).isEqualTo("errno 99999");
        assertThat(Native.checkNegErrno(5, "x", null)).isEqualTo(5);
        assertThatThrownBy(() -> Native.checkNegErrno(-Errno.EAGAIN, "io_uring_enter", "ring 3"))
                .hasMessage("io_uring_enter ring 3: EAGAIN (11)");
    }

    @Test
    void connectRefusedNamesCallTargetAndErrno() {
        int port = closedLoopbackPort();
        int fd = Native.check(LIBC.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0), "socket", null);
        try {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            int len = SockAddr.writeInet(mem, target);
            int rc = LIBC.connect(fd, mem, len);
            assertThat(rc).isEqualTo(-1);
            NativeIoException e = Native.error("connect", "127.0.0.1:" + port);
            assertThat(e.getMessage()).isEqualTo("connect 127.0.0.1:" + port + ": ECONNREFUSED (111)");
            assertThat(e.call()).isEqualTo("connect");
            assertThat(e.target()).isEqualTo("127.0.0.1:" + port);
        } finally {
            LIBC.close(fd);
        }
    }

    private int closedLoopbackPort() {
        int fd = LIBC.socket(Linux.AF_INET, Linux.SOCK_STREAM, 0);
        try {
            int len = SockAddr.writeInet(mem, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Native.check(LIBC.bind(fd, mem, len), "bind", null);
            return boundAddress(fd).getPort();
        } finally {
            LIBC.close(fd);
        }
    }

    private InetSocketAddress boundAddress(int fd) {
        long addr = mem + 1024;
        long lenAddr = mem + 2048;
        NativeMemory.putInt(lenAddr, SockAddr.MAX_SIZE);
        Native.check(LIBC.getsockname(fd, addr, lenAddr), "getsockname", null);
        return SockAddr.readInet(addr);
    }

    // ------------------------------------------------------------------ six-argument bindings (jnr-ffi#181)

    @Test
    void mmapHonoursItsSixthArgumentTheOffset(@TempDir Path dir) throws Exception {
        Path file = pagedFile(dir);
        int fd = openFile(file, Linux.O_RDONLY);
        try {
            long addr = LIBC.mmap(null, 4096, Linux.PROT_READ, Linux.MAP_PRIVATE, fd, 8192);
            assertThat(addr).isNotEqualTo(Linux.MAP_FAILED);
            assertThat(NativeMemory.getByte(addr)).isEqualTo((byte) 'C');
            assertThat(NativeMemory.getByte(addr + 4095)).isEqualTo((byte) 'C');
            Native.check(LIBC.munmap(addr, 4096), "munmap", null);
        } finally {
            LIBC.close(fd);
        }
    }

    @Test
    void syscallPassesAllSixArguments(@TempDir Path dir) throws Exception {
        Path file = pagedFile(dir);
        int fd = openFile(file, Linux.O_RDONLY);
        try {
            long addr = Native.check(LIBC.syscall(Linux.SYS_MMAP, 0, 4096, Linux.PROT_READ, Linux.MAP_PRIVATE, fd, 4096),
                    "syscall(mmap)", null);
            assertThat(NativeMemory.getByte(addr)).isEqualTo((byte) 'B');
            Native.check(LIBC.munmap(addr, 4096), "munmap", null);
            assertThat(LIBC.syscall(Linux.SYS_GETPID, 0, 0, 0, 0, 0, 0)).isEqualTo(LIBC.getpid());
        } finally {
            LIBC.close(fd);
        }
    }

    @Test
    void epollPwait2WaitsItsTimespecAndReportsPackedEvents() {
        int ep = Native.check(LIBC.epoll_create1(Linux.EPOLL_CLOEXEC), "epoll_create1", null);
        int efd = Native.check(LIBC.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC), "eventfd", null);
        int efd2 = Native.check(LIBC.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC), "eventfd", null);
        try {
            long ctl = mem;
            long events = mem + 64;
            long ts = mem + 1024;
            EpollEvent.set(ctl, Linux.EPOLLIN, 0x1122334455667788L);
            Native.check(LIBC.epoll_ctl(ep, Linux.EPOLL_CTL_ADD, efd, ctl), "epoll_ctl", null);
            EpollEvent.set(ctl, Linux.EPOLLIN | Linux.EPOLLOUT, 0x0FEDCBA987654321L);
            Native.check(LIBC.epoll_ctl(ep, Linux.EPOLL_CTL_ADD, efd2, ctl), "epoll_ctl", null);

            // Nothing readable on efd, efd2 writable only: a 30 ms pwait2 reports efd2 at once.
            Timespec.set(ts, 30_000_000L);
            int n = LIBC.epoll_pwait2(ep, events, 8, ts, null, 8L);
            assertThat(n).isEqualTo(1);
            assertThat(EpollEvent.data(events, 0)).isEqualTo(0x0FEDCBA987654321L);
            assertThat(EpollEvent.events(events, 0)).isEqualTo(Linux.EPOLLOUT);

            Native.check(LIBC.epoll_ctl(ep, Linux.EPOLL_CTL_DEL, efd2, ctl), "epoll_ctl", null);
            long start = System.nanoTime();
            do {
                // The JVM may signal this thread (EINTR): wait again for the rest, as the loop does.
                Timespec.set(ts, Math.max(1, 30_000_000L - (System.nanoTime() - start)));
                n = LIBC.epoll_pwait2(ep, events, 8, ts, null, 8L);
            } while (n < 0 && Native.errno() == Errno.EINTR);
            long waited = System.nanoTime() - start;
            assertThat(n).isZero();
            assertThat(waited).isGreaterThanOrEqualTo(30_000_000L);

            NativeMemory.putLong(mem + 2048, 7L);
            assertThat(LIBC.write(efd, mem + 2048, 8)).isEqualTo(8);
            Timespec.set(ts, 30_000_000L);
            do {
                n = LIBC.epoll_pwait2(ep, events, 8, ts, null, 8L);
            } while (n < 0 && Native.errno() == Errno.EINTR);
            assertThat(n).isEqualTo(1);
            assertThat(EpollEvent.data(events, 0)).isEqualTo(0x1122334455667788L);
            assertThat(EpollEvent.events(events, 0)).isEqualTo(Linux.EPOLLIN);
            assertThat(LIBC.read(efd, mem + 2056, 8)).isEqualTo(8);
            assertThat(NativeMemory.getLong(mem + 2056)).isEqualTo(7L);
            assertThat(LIBC.epoll_wait(ep, events, 8, 0)).isZero();
        } finally {
            LIBC.close(efd);
            LIBC.close(efd2);
            LIBC.close(ep);
        }
    }

    private static Path pagedFile(Path dir) throws Exception {
        byte[] data = new byte[3 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('A' + i / 4096);
        }
        Path file = dir.resolve("pages");
        Files.write(file, data);
        return file;
    }

    private int openFile(Path file, int flags) {
        byte[] path = (file.toString() + "\0").getBytes(StandardCharsets.UTF_8);
        long p = mem + 8192;
        NativeMemory.put(p, path, 0, path.length);
        return Native.check(LIBC.open(p, flags | Linux.O_CLOEXEC, 0644), "open", file.toString());
    }

    // ------------------------------------------------------------------ struct layouts against the kernel

    @Test
    void sockaddrInAndIn6RoundTripThroughTheKernel() throws Exception {
        for (InetAddress ip : new InetAddress[] {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")}) {
            int family = ip.getAddress().length == 4 ? Linux.AF_INET : Linux.AF_INET6;
            int fd = Native.check(LIBC.socket(family, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0), "socket", null);
            try {
                int len = SockAddr.writeInet(mem, new InetSocketAddress(ip, 0));
                assertThat(len).isEqualTo(family == Linux.AF_INET ? SockAddr.IN_SIZE : SockAddr.IN6_SIZE);
                Native.check(LIBC.bind(fd, mem, len), "bind", ip.toString());
                InetSocketAddress bound = boundAddress(fd);
                assertThat(bound.getAddress()).isEqualTo(ip);
                assertThat(bound.getPort()).isBetween(1, 65535);
                assertThat(SockAddr.family(mem + 1024)).isEqualTo(family);
            } finally {
                LIBC.close(fd);
            }
        }
    }

    @Test
    void sockaddrUnRoundTripsPathsAndAbstractNames(@TempDir Path dir) {
        String[] names = {dir.resolve("evpl.sock").toString(), "@evpl-test-" + ProcessHandle.current().pid()};
        for (String name : names) {
            int fd = Native.check(LIBC.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0), "socket", null);
            try {
                int len = SockAddr.writeUnix(mem, name);
                Native.check(LIBC.bind(fd, mem, len), "bind", name);
                long lenAddr = mem + 2048;
                NativeMemory.putInt(lenAddr, SockAddr.MAX_SIZE);
                Native.check(LIBC.getsockname(fd, mem + 1024, lenAddr), "getsockname", name);
                assertThat(SockAddr.family(mem + 1024)).isEqualTo(Linux.AF_UNIX);
                assertThat(SockAddr.readUnix(mem + 1024, NativeMemory.getInt(lenAddr))).isEqualTo(name);
            } finally {
                LIBC.close(fd);
            }
        }
        assertThatThrownBy(() -> SockAddr.writeUnix(mem, "x".repeat(200)))
                .hasMessageContaining("unix socket path must be 1..107 bytes");
    }

    @Test
    void tcpBindingsListenAcceptConnectOptionsShutdownAndPeerNames() {
        int listener = Native.check(LIBC.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0), "socket", null);
        int client = -1;
        int server = -1;
        try {
            int len = SockAddr.writeInet(mem, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Native.check(LIBC.bind(listener, mem, len), "bind", null);
            Native.check(LIBC.listen(listener, 16), "listen", null);
            InetSocketAddress bound = boundAddress(listener);

            client = Native.check(LIBC.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0), "socket", null);
            len = SockAddr.writeInet(mem, bound);
            Native.check(LIBC.connect(client, mem, len), "connect", bound.toString());
            long peer = mem + 4096;
            long peerLen = mem + 4096 + 256;
            NativeMemory.putInt(peerLen, SockAddr.MAX_SIZE);
            server = Native.check(LIBC.accept4(listener, peer, peerLen, Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC),
                    "accept4", null);
            InetSocketAddress clientLocal = boundAddress(client);
            assertThat(SockAddr.readInet(peer)).isEqualTo(clientLocal);
            assertThat(LIBC.fcntl(server, Linux.F_GETFL, 0) & Linux.O_NONBLOCK).isEqualTo(Linux.O_NONBLOCK);

            SockOpt.setInt(mem, client, Linux.IPPROTO_TCP, Linux.TCP_NODELAY, 1);
            assertThat(SockOpt.getInt(mem, client, Linux.IPPROTO_TCP, Linux.TCP_NODELAY)).isEqualTo(1);
            NativeMemory.putInt(peerLen, SockAddr.MAX_SIZE);
            Native.check(LIBC.getpeername(client, peer, peerLen), "getpeername", null);
            assertThat(SockAddr.readInet(peer)).isEqualTo(bound);

            // writev from two iovecs, readv into two iovecs: the iovec layout against the kernel.
            long buf = mem + 8192;
            NativeMemory.put(buf, "hello ".getBytes(StandardCharsets.US_ASCII), 0, 6);
            NativeMemory.put(buf + 100, "world".getBytes(StandardCharsets.US_ASCII), 0, 5);
            long iov = mem + 12288;
            IoVec.set(iov, 0, buf, 6);
            IoVec.set(iov, 1, buf + 100, 5);
            assertThat(LIBC.writev(client, iov, 2)).isEqualTo(11);
            Native.check(LIBC.shutdown(client, Linux.SHUT_WR), "shutdown", null);
            long in = mem + 16384;
            IoVec.set(iov, 0, in, 3);
            IoVec.set(iov, 1, in + 50, 20);
            long got = readFully(server, iov);
            assertThat(got).isEqualTo(11);
            assertThat(ascii(in, 3) + ascii(in + 50, 8)).isEqualTo("hello world");
            // The peer's SHUT_WR arrives as end of stream.
            assertThat(LIBC.read(server, in, 16)).isZero();
            assertThat(LIBC.read(server, in, 16)).isZero();
        } finally {
            LIBC.close(listener);
            LIBC.close(client);
            LIBC.close(server);
        }
    }

    private static long readFully(int fd, long iov) {
        for (int spins = 0; spins < 1000; spins++) {
            long n = LIBC.readv(fd, iov, 2);
            if (n > 0) {
                return n;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("nothing to read");
    }

    private static String ascii(long address, int length) {
        byte[] b = new byte[length];
        NativeMemory.get(address, b, 0, length);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void udpSendmmsgRecvmmsgAndMsghdrLayouts() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        int a = Native.check(LIBC.socket(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0), "socket", null);
        int b = Native.check(LIBC.socket(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0), "socket", null);
        try {
            int len = SockAddr.writeInet(mem, new InetSocketAddress(lo, 0));
            Native.check(LIBC.bind(a, mem, len), "bind", null);
            InetSocketAddress aAddr = boundAddress(a);
            len = SockAddr.writeInet(mem, new InetSocketAddress(lo, 0));
            Native.check(LIBC.bind(b, mem, len), "bind", null);
            InetSocketAddress bAddr = boundAddress(b);

            long dest = mem + 256;
            int destLen = SockAddr.writeInet(dest, bAddr);
            long iovs = mem + 512;
            long data = mem + 4096;
            long hdrs = mem + 1024;
            for (int i = 0; i < 3; i++) {
                NativeMemory.put(data + i * 100, ("datagram-" + i).getBytes(StandardCharsets.US_ASCII), 0, 10);
                IoVec.set(iovs, i, data + i * 100, 10);
                MsgHdr.set(MsgHdr.mmsg(hdrs, i), dest, destLen, iovs + (long) i * IoVec.SIZE, 1);
            }
            assertThat(LIBC.sendmmsg(a, hdrs, 3, 0)).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(MsgHdr.mmsgLength(hdrs, i)).isEqualTo(10);
            }

            long names = mem + 8192;
            long in = mem + 16384;
            for (int i = 0; i < 3; i++) {
                IoVec.set(iovs, i, in + i * 100, 100);
                MsgHdr.set(MsgHdr.mmsg(hdrs, i), names + i * SockAddr.MAX_SIZE, SockAddr.MAX_SIZE,
                        iovs + (long) i * IoVec.SIZE, 1);
            }
            int got = LIBC.recvmmsg(b, hdrs, 3, 0, 0);
            assertThat(got).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(MsgHdr.mmsgLength(hdrs, i)).isEqualTo(10);
                assertThat(ascii(in + i * 100, 10)).isEqualTo("datagram-" + i);
                assertThat(SockAddr.readInet(names + i * SockAddr.MAX_SIZE)).isEqualTo(aAddr);
                assertThat(MsgHdr.nameLength(MsgHdr.mmsg(hdrs, i))).isEqualTo(SockAddr.IN_SIZE);
            }

            // sendmsg / recvmsg with a truncating buffer: MSG_TRUNC comes back in msg_flags.
            IoVec.set(iovs, 0, data, 10);
            MsgHdr.set(hdrs, dest, destLen, iovs, 1);
            assertThat(LIBC.sendmsg(a, hdrs, 0)).isEqualTo(10);
            IoVec.set(iovs, 0, in, 4);
            MsgHdr.set(hdrs, names, SockAddr.MAX_SIZE, iovs, 1);
            assertThat(LIBC.recvmsg(b, hdrs, 0)).isEqualTo(4);
            assertThat(MsgHdr.flags(hdrs) & 0x20).isEqualTo(0x20);
            assertThat(SockAddr.readInet(names)).isEqualTo(aAddr);
        } finally {
            LIBC.close(a);
            LIBC.close(b);
        }
    }

    @Test
    void pipeAndPositionalIo(@TempDir Path dir) throws Exception {
        Native.check(LIBC.pipe2(mem, Linux.O_CLOEXEC | Linux.O_NONBLOCK), "pipe2", null);
        int r = NativeMemory.getInt(mem);
        int w = NativeMemory.getInt(mem + 4);
        try {
            assertThat(LIBC.read(r, mem + 64, 8)).isEqualTo(-1);
            assertThat(Native.errno()).isEqualTo(Errno.EAGAIN);
            NativeMemory.putLong(mem + 128, 42L);
            assertThat(LIBC.write(w, mem + 128, 8)).isEqualTo(8);
            assertThat(LIBC.read(r, mem + 64, 8)).isEqualTo(8);
            assertThat(NativeMemory.getLong(mem + 64)).isEqualTo(42L);
        } finally {
            LIBC.close(r);
            LIBC.close(w);
        }
        Path file = pagedFile(dir);
        int fd = openFile(file, Linux.O_RDWR);
        try {
            NativeMemory.put(mem + 256, "zz".getBytes(StandardCharsets.US_ASCII), 0, 2);
            assertThat(LIBC.pwrite(fd, mem + 256, 2, 4096 + 10)).isEqualTo(2);
            assertThat(LIBC.pread(fd, mem + 512, 4, 4096 + 9)).isEqualTo(4);
            assertThat(ascii(mem + 512, 4)).isEqualTo("BzzB");
        } finally {
            LIBC.close(fd);
        }
    }

    @Test
    void affinityAndTimerSlackOnTheCallingThread() throws Exception {
        int[] all = ThreadTuning.currentAffinity();
        int last = all[all.length - 1];
        int[][] seen = new int[1][];
        long[] slack = new long[1];
        int[] cpu = new int[1];
        // On a fresh thread: pinning and slack are per thread and must not leak into the test runner.
        Thread t = new Thread(() -> {
            ThreadTuning.pinCurrentThread(last);
            seen[0] = ThreadTuning.currentAffinity();
            ThreadTuning.setTimerSlack(1000);
            slack[0] = ThreadTuning.timerSlack();
            cpu[0] = ThreadTuning.currentCpu();
        });
        t.start();
        t.join();
        assertThat(seen[0]).containsExactly(last);
        assertThat(slack[0]).isEqualTo(1000);
        assertThat(cpu[0]).isEqualTo(last);
    }

    @Test
    void ioUringSetupThroughSyscallFillsItsParams() {
        long params = mem; // struct io_uring_params, 120 bytes, zeroed
        NativeMemory.zero(params, 120);
        long fd = LIBC.syscall(Linux.SYS_IO_URING_SETUP, 8, params, 0, 0, 0, 0);
        if (fd < 0) {
            // Disabled by sysctl, seccomp or memlock: the binding still reported a named errno.
            int errno = Native.errno();
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "io_uring unavailable here: " + Errno.name(errno));
        }
        try {
            assertThat(NativeMemory.getInt(params)).as("sq_entries").isEqualTo(8);
            assertThat(NativeMemory.getInt(params + 4)).as("cq_entries").isEqualTo(16);
            // A bad opcode to io_uring_register answers with a named errno, not a crash.
            long rc = LIBC.syscall(Linux.SYS_IO_URING_REGISTER, fd, 9999, 0, 0, 0, 0);
            assertThat(rc).isEqualTo(-1);
            assertThat(Errno.name(Native.errno())).isEqualTo("EINVAL");
        } finally {
            LIBC.close((int) fd);
        }
    }

    /**
     * The six-parameter {@code syscall} overload (the io_uring enters' fast path): its four numbers
     * and the null pointer arrive. A waiting enter reads {@code argp} as a signal mask: anything but
     * null there fails it (EFAULT or EINVAL), so a clean wait for one NOP proves the fifth argument.
     */
    @Test
    void syscallWithAPointerFifthPassesItsArgumentsAndANullPointer() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.evpl.reactive.core.internal.uring.IoUring.isAvailable(), "io_uring unavailable here");
        dev.evpl.reactive.core.internal.uring.IoUring ring = dev.evpl.reactive.core.internal.uring.IoUring.create(8);
        try {
            for (int i = 0; i < 100; i++) {
                dev.evpl.reactive.core.internal.uring.UringOps.nop(ring.nextSqe(), i);
                ring.commit();
                // to_submit 1, min_complete 1, GETEVENTS (the raw descriptor, not the registered index)
                long rc = LIBC.syscall(Linux.SYS_IO_URING_ENTER, ring.fd(), 1, 1, 1, (jnr.ffi.Pointer) null);
                assertThat(rc).as("submitted (errno %s)", rc < 0 ? Errno.name(Native.errno()) : "-").isEqualTo(1);
                long[] seen = new long[1];
                assertThat(ring.reap((user, res, flags) -> seen[0] = user)).isEqualTo(1);
                assertThat(seen[0]).isEqualTo(i);
            }
        } finally {
            ring.close();
        }
    }
}
