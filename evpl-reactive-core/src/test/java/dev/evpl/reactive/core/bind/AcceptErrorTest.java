package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.testsupport.LoopErrorsExtension;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import dev.evpl.reactive.core.internal.nativeio.SockAddr;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A listener whose accept fails with EMFILE (the process is out of file descriptors) must pause
 * accepting instead of spinning on the error, report it once, and accept the waiting connections
 * once descriptors are free again. The descriptor table is really filled: the soft RLIMIT_NOFILE
 * is lowered just above the highest open descriptor and the rest is taken with dup().
 */
class AcceptErrorTest {
    private static final int CLIENTS = 3;

    static java.util.stream.Stream<Protocol> protocols() {
        return java.util.stream.Stream.of(Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_IO_URING_TCP).filter(Protocol::isAvailable);
    }

    /** Both acceptors: epoll's accept4 and io_uring's multishot ACCEPT (whose CQE carries the EMFILE). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("protocols")
    void outOfDescriptorsPausesAcceptingWithoutSpinningAndRecovers(Protocol protocol) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        Listener listener = Listener.listen(protocol, Endpoint.inet("127.0.0.1", 0));
        List<Bind> accepted = new CopyOnWriteArrayList<>();
        EventLoop loop = group.loop(0);
        reactor.core.Disposable attachment = listener.attach(loop, accepted::add);
        long loopThreadId = Mono.fromCallable(() -> Thread.currentThread().getId()).subscribeOn(loop).block();

        // Classes are loaded from target/classes, one open() each: load now what the window below
        // needs (the error's formatting, the loop's timer), or the loop dies of NoClassDefFoundError.
        assertThat(NativeIoException.of("accept4", "preload", Errno.EMFILE).getMessage()).contains("EMFILE");
        Mono.fromRunnable(() -> loop.timer(() -> { }).schedule(1, TimeUnit.MILLISECONDS)).subscribeOn(loop).block();
        // One connection accepted and closed first: the accept path's classes are loaded too.
        Bind warm = Bind.connect(loop, Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port())).block();
        for (int i = 0; i < 500 && accepted.isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(2);
        }
        assertThat(accepted).hasSize(1);
        Bind served = accepted.get(0);
        served.close();
        warm.close();
        // Closes finish on the loop: a descriptor freed after the table is filled below would let
        // one connection be accepted "without descriptors".
        served.onClose().block(java.time.Duration.ofSeconds(5));
        warm.onClose().block(java.time.Duration.ofSeconds(5));
        accepted.clear();
        threads.getThreadCpuTime(loopThreadId);

        long rlimit = NativeMemory.allocate(16);
        long addr = NativeMemory.allocate(SockAddr.IN6_SIZE);
        int[] clients = new int[CLIENTS];
        List<Integer> fillers = new ArrayList<>();
        long softBefore = -1;
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients[i] = LIBC.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
                assertThat(clients[i]).isGreaterThanOrEqualTo(0);
            }
            int addrLen = SockAddr.writeInet(addr, new InetSocketAddress("127.0.0.1", listener.port()));
            assertThat(LIBC.getrlimit(Linux.RLIMIT_NOFILE, rlimit)).isZero();
            softBefore = NativeMemory.getLong(rlimit);
            long cpuBefore;
            // From here until the fillers are closed the process cannot open a file: nothing below
            // may load a class from a jar it has not opened yet (all used classes are loaded above).
            NativeMemory.putLong(rlimit, highestOpenDescriptor() + 16);
            assertThat(LIBC.setrlimit(Linux.RLIMIT_NOFILE, rlimit)).isZero();
            // io_uring's ACCEPT takes the descriptor limit when its SQE is prepared: a multishot
            // armed before would accept past the lowered limit. Re-attach so it is armed under it.
            attachment.dispose();
            attachment = listener.attach(loop, accepted::add);
            TimeUnit.MILLISECONDS.sleep(50);
            fillTable(clients[0], fillers);
            for (int c : clients) {
                // Loopback completes the handshake into the listener's backlog; accept4 then fails.
                int rc = LIBC.connect(c, addr, addrLen);
                assertThat(rc == 0 || Native.errno() == Errno.EINPROGRESS).isTrue();
            }
            TimeUnit.MILLISECONDS.sleep(50);
            cpuBefore = threads.getThreadCpuTime(loopThreadId);
            // A descriptor closed by anyone else meanwhile would let one connection in: the acceptor
            // retries every 100 ms, so taking any freed slot back within 2 ms keeps the table full.
            long windowEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < windowEnd) {
                fillTable(clients[0], fillers);
                TimeUnit.MILLISECONDS.sleep(2);
            }
            long cpuDuring = threads.getThreadCpuTime(loopThreadId) - cpuBefore;
            int acceptedDuring = accepted.size();

            for (int fd : fillers) {
                LIBC.close(fd);
            }
            fillers.clear();
            NativeMemory.putLong(rlimit, softBefore);
            assertThat(LIBC.setrlimit(Linux.RLIMIT_NOFILE, rlimit)).isZero();
            softBefore = -1;

            assertThat(acceptedDuring).as("nothing can be accepted without descriptors").isZero();
            assertThat(cpuDuring).as("loop CPU time over 400 ms of EMFILE (a spinning acceptor burns ~400 ms)")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(60));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (accepted.size() < CLIENTS && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(accepted).as("the waiting connections are accepted once descriptors are free").hasSize(CLIENTS);
            List<Throwable> errors = LoopErrorsExtension.take();
            assertThat(errors).as("the error is reported once per streak, not every 100 ms").hasSize(1);
            assertThat(errors.get(0)).hasMessageStartingWith("uncaught on evpl-loop-0");
            assertThat(errors.get(0).getCause()).isInstanceOf(NativeIoException.class)
                    .hasMessageMatching("accept4? /127\\.0\\.0\\.1:\\d+: EMFILE \\(24\\)"); // accept4 on epoll, accept on io_uring
        } finally {
            for (int fd : fillers) {
                LIBC.close(fd);
            }
            if (softBefore >= 0) {
                NativeMemory.putLong(rlimit, softBefore);
                LIBC.setrlimit(Linux.RLIMIT_NOFILE, rlimit);
            }
            for (int c : clients) {
                LIBC.close(c);
            }
            accepted.forEach(Bind::close);
            NativeMemory.free(rlimit);
            NativeMemory.free(addr);
            listener.dispose();
            group.close();
        }
    }

    /** Duplicates {@code fd} until the descriptor table is full (EMFILE); the copies go to {@code fillers}. */
    private static void fillTable(int fd, List<Integer> fillers) {
        for (;;) {
            int copy = LIBC.dup(fd);
            if (copy < 0) {
                assertThat(Native.errno()).isEqualTo(Errno.EMFILE);
                return;
            }
            fillers.add(copy);
        }
    }

    private static long highestOpenDescriptor() {
        long max = 0;
        String[] names = new File("/proc/self/fd").list();
        for (String n : names) {
            max = Math.max(max, Long.parseLong(n));
        }
        return max;
    }
}
