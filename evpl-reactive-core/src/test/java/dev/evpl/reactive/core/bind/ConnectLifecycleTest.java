package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.testsupport.LoopErrorsExtension;
import dev.evpl.reactive.core.buffer.Segment;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;

/**
 * Descriptors are never left open by a connect or an accept that fails or is cancelled: a bind
 * whose construction fails closes its descriptor (and undoes its registration), a connect cancelled
 * at any moment (an immediate unix connect included) closes what it opened. Open descriptors are
 * counted in {@code /proc/self/fd}.
 */
class ConnectLifecycleTest {
    private EventLoopGroup group;
    private EventLoop loop;
    @TempDir
    Path dir;

    static java.util.stream.Stream<Protocol> protocols() {
        return java.util.stream.Stream.of(Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_IO_URING_TCP, Protocol.STREAM_SOCKET_UNIX)
                .filter(Protocol::isAvailable);
    }

    @BeforeEach
    void loops() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        loop = group.loop(0);
    }

    @AfterEach
    void close() {
        OpenFaults.next = null;
        group.close();
    }

    private Endpoint endpoint(Protocol p) {
        return p.isLocal() ? Endpoint.unix(dir.resolve("s" + System.nanoTime()).toString())
                : Endpoint.inet("127.0.0.1", 0);
    }

    private static Endpoint target(Protocol p, Listener l, Endpoint e) {
        return p.isLocal() ? e : Endpoint.inet("127.0.0.1", l.port());
    }

    /**
     * Open sockets of this process (links {@code socket:[…]} in {@code /proc/self/fd}): only
     * sockets, because the JDK opens other descriptors lazily (JDK 21+'s I/O pollers, an epoll
     * descriptor each, appear at the first blocking NIO call).
     */
    private static int openDescriptors() {
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) {
            return -1;
        }
        int sockets = 0;
        for (File fd : fds) {
            try {
                if (Files.readSymbolicLink(fd.toPath()).toString().startsWith("socket:")) {
                    sockets++;
                }
            } catch (java.io.IOException e) {
                // closed while listing: not open any more
            }
        }
        return sockets;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void aBindWhoseConstructionFailsClosesItsDescriptorOnConnectAndOnAccept(Protocol protocol) throws Exception {
        Endpoint at = endpoint(protocol);
        Listener listener = Listener.listen(protocol, at);
        AtomicInteger accepted = new AtomicInteger();
        Disposable attachment = listener.attach(loop, b -> {
            accepted.incrementAndGet();
            b.close();
        });
        Endpoint to = target(protocol, listener, at);
        try {
            Bind.connect(loop, protocol, to).block(Duration.ofSeconds(10)).close(); // warm: classes loaded
            await(() -> accepted.get() == 1, "warm-up accepted");
            // and the JDK client used below once: its first use opens a socket of the JDK's own
            // that stays open (seen on JDK 25), which must not count against the binds
            java.net.SocketAddress address = protocol.isLocal()
                    ? java.net.UnixDomainSocketAddress.of(to.path())
                    : new java.net.InetSocketAddress("127.0.0.1", listener.port());
            java.nio.channels.SocketChannel.open(address).close();
            await(() -> accepted.get() == 2, "JDK warm-up accepted");
            TimeUnit.MILLISECONDS.sleep(50);
            int before = openDescriptors();
            long errorsBefore = loop.callbackErrors();

            // connect side: the client's bind fails after it registered its descriptor
            OpenFaults.next = new IllegalStateException("injected: bind construction failed");
            assertThatThrownBy(() -> Bind.connect(loop, protocol, to).block(Duration.ofSeconds(10)))
                    .hasMessageContaining("injected: bind construction failed");
            // the server accepted that connection and closed it; the next one is the accept side's
            await(() -> accepted.get() == 3, "the failed client's connection reached the server");
            OpenFaults.next = new IllegalStateException("injected: accepted bind failed");
            // a plain JDK client (no bind of ours on this side for the fault to hit)
            try (java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(address)) {
                // the accepted bind failed: the server closed that descriptor, the client sees EOF
                assertThat(client.read(java.nio.ByteBuffer.allocate(16))).isEqualTo(-1);
            }
            await(() -> openDescriptors() == before, "descriptors back to " + before + " (now " + openDescriptors() + ")");
            await(() -> loop.callbackErrors() == errorsBefore + 1, "the listener's failure is counted");
            java.util.List<Throwable> reported = new java.util.ArrayList<>();
            await(() -> reported.addAll(LoopErrorsExtension.take()) || !reported.isEmpty(), "the listener's failure is reported");
            assertThat(reported).singleElement().satisfies(e -> assertThat(e).hasStackTraceContaining("injected: accepted bind failed"));

            // the loop and the listener go on
            Bind after = Bind.connect(loop, protocol, to).block(Duration.ofSeconds(10));
            await(() -> accepted.get() == 4, "a later connection accepted");
            after.close();
        } finally {
            attachment.dispose();
            listener.dispose();
        }
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void aConnectCancelledAtAnyMomentLeavesNoConnectionOpen(Protocol protocol) throws Exception {
        Endpoint at = endpoint(protocol);
        Listener listener = Listener.listen(protocol, at);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        Disposable attachment = listener.attach(loop, b -> {
            accepted.incrementAndGet();
            // the server reads until the client side closes: every connection must end
            b.receive().doOnNext(Segment::release).doFinally(s -> {
                ended.incrementAndGet();
                b.close();
            }).subscribe(x -> { }, e -> { });
        });
        Endpoint to = target(protocol, listener, at);
        Random random = new Random(5);
        AtomicInteger delivered = new AtomicInteger();
        try {
            for (int i = 0; i < 400; i++) {
                Disposable d = Bind.connect(loop, protocol, to).subscribe(b -> {
                    delivered.incrementAndGet();
                    b.close(); // a subscriber that got its bind closes it
                });
                int spins = random.nextInt(40_000);
                for (int s = 0; s < spins; s++) {
                    Thread.onSpinWait();
                }
                d.dispose();
            }
            await(() -> ended.get() == accepted.get() && accepted.get() > 0,
                    "every accepted connection ended (accepted " + accepted.get() + ", ended " + ended.get() + ")");
            TimeUnit.MILLISECONDS.sleep(100);
            assertThat(ended.get()).isEqualTo(accepted.get());
            assertThat(delivered.get()).isLessThanOrEqualTo(accepted.get());
        } finally {
            attachment.dispose();
            listener.dispose();
        }
    }
}
