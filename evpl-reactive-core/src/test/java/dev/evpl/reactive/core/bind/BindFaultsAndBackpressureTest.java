package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Backpressure down to the kernel, faults, interop with the JDK's sockets, and steering. */
class BindFaultsAndBackpressureTest {
    private EventLoopGroup group;
    private Listener listener;

    @BeforeEach
    void loops() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
    }

    @AfterEach
    void close() {
        if (listener != null) {
            listener.dispose();
        }
        group.close();
    }

    /** TCP on epoll, and TCP with its data path on io_uring where io_uring works: the same contract. */
    static java.util.stream.Stream<Protocol> tcpProtocols() {
        return java.util.stream.Stream.of(Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_IO_URING_TCP).filter(Protocol::isAvailable);
    }

    private Bind accepted(Sinks.One<Bind> sink) {
        return sink.asMono().block(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpProtocols")
    void withoutDemandTheReceiverStopsReadingAndTheSenderStallsThenEverythingArrivesIntact(Protocol p) throws Exception {
        listener = Listener.listen(p, Endpoint.inet("127.0.0.1", 0));
        Sinks.One<Bind> server = Sinks.one();
        listener.attach(group.loop(1), server::tryEmitValue);
        Bind client = Bind.connect(group.loop(0), p, Endpoint.inet("127.0.0.1", listener.port()))
                .block(Duration.ofSeconds(5));
        Bind receiver = accepted(server);

        long total = 1L << 30;
        EventLoop loop = client.loop();
        AtomicLong generated = new AtomicLong();
        Flux<Segment> data = Pattern.stream(loop, total, 256 * 1024, generated);
        Mono<Completion> sent = client.send(data).cache();
        sent.subscribe();

        // The receiver has not subscribed: nothing is read. The sender must stall once the kernel's
        // buffers on both sides and its own high-water mark are full.
        long stalledAt = awaitStall(generated, 200);
        assertThat(stalledAt).as("stalled far below the total").isLessThan(64L << 20);
        long inUse = BufferPool.global().inUseBytes();
        assertThat(inUse).as("buffered in this process while stalled").isLessThan(16L << 20);

        // Slow demand: a few segments, and the sender is still held back.
        Pattern.Check check = new Pattern.Check();
        BaseSubscriber<Segment> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                s.request(4);
            }

            @Override
            protected void hookOnNext(Segment seg) {
                check.accept(seg);
            }
        };
        receiver.receive().subscribe(slow);
        Thread.sleep(200);
        assertThat(generated.get()).as("4 reads of credit do not let 1 GiB through").isLessThan(128L << 20);

        // Unbounded demand: everything arrives, in order, intact.
        slow.request(Long.MAX_VALUE);
        Completion c = sent.block(Duration.ofSeconds(60));
        assertThat(c.bytes()).isEqualTo(total);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (check.verified() < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(check.errors()).isEmpty();
        assertThat(check.verified()).isEqualTo(total);
        client.close();
        receiver.close();
    }

    /** Waits until {@code counter} stops moving for {@code quietMillis}; returns where it stopped. */
    private static long awaitStall(AtomicLong counter, long quietMillis) throws InterruptedException {
        long before;
        long after = counter.get();
        do {
            before = after;
            Thread.sleep(quietMillis);
            after = counter.get();
        } while (after != before);
        return after;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpProtocols")
    void connectRefusedNamesTheTarget(Protocol p) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> Bind.connect(group.loop(0), p, Endpoint.inet("127.0.0.1", port))
                .block(Duration.ofSeconds(5)))
                .isInstanceOf(NativeIoException.class)
                .hasMessage("connect 127.0.0.1:" + port + ": ECONNREFUSED (111)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpProtocols")
    void aConnectThatNeverCompletesTimesOutAndClosesItsSocket(Protocol p) throws Exception {
        // A listener with a full accept queue that never accepts: further SYNs are dropped on
        // loopback, so the connect hangs (no traffic leaves this machine).
        try (ServerSocket full = new ServerSocket()) {
            full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            int port = full.getLocalPort();
            Socket[] fillers = new Socket[4];
            for (int i = 0; i < fillers.length; i++) {
                fillers[i] = new Socket();
                try {
                    fillers[i].connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                } catch (java.net.SocketTimeoutException e) {
                    break; // the queue is full already
                }
            }
            try {
                assertThatThrownBy(() -> Bind.connect(group.loop(0), p, Endpoint.inet("127.0.0.1", port))
                        .timeout(Duration.ofMillis(300))
                        .block(Duration.ofSeconds(10)))
                        .hasCauseInstanceOf(TimeoutException.class);
            } finally {
                for (Socket s : fillers) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpProtocols")
    void aPeerResetFailsReceiveWithEconnreset(Protocol p) throws Exception {
        listener = Listener.listen(p, Endpoint.inet("127.0.0.1", 0));
        Sinks.One<Bind> server = Sinks.one();
        listener.attach(group.loop(1), server::tryEmitValue);
        try (Socket jdk = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            Bind bind = accepted(server);
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicLong got = new AtomicLong();
            bind.receive().subscribe(s -> {
                got.addAndGet(s.readableBytes());
                s.release();
            }, error::set);
            jdk.getOutputStream().write(new byte[1000]);
            jdk.getOutputStream().flush();
            while (got.get() < 1000) {
                Thread.sleep(5);
            }
            jdk.setSoLinger(true, 0);
            jdk.close(); // RST
            bind.onClose().block(Duration.ofSeconds(5));
            assertThat(error.get()).isInstanceOf(NativeIoException.class).hasMessageContaining("ECONNRESET (104)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpProtocols")
    void halfCloseCompletesReceiveAndTheBindCanStillSend(Protocol p) throws Exception {
        listener = Listener.listen(p, Endpoint.inet("127.0.0.1", 0));
        listener.attach(group.loop(1), bind -> bind.receive()
                .map(s -> {
                    try {
                        return s.readableBytes();
                    } finally {
                        s.release();
                    }
                })
                .reduce(0, Integer::sum)
                // After the peer's FIN: answer with the count, then close once it is written.
                .flatMap(n -> bind.send(bind.loop().allocator().copyOf(("got " + n).getBytes(StandardCharsets.US_ASCII))))
                .then(bind.finish())
                .subscribe());
        try (Socket jdk = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            OutputStream out = jdk.getOutputStream();
            out.write(new byte[12345]);
            jdk.shutdownOutput();
            InputStream in = jdk.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("got 12345");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpProtocols")
    void acceptedConnectionsAreSteeredRoundRobinAndStayOnTheirLoop(Protocol p) throws Exception {
        listener = Listener.listen(p, Endpoint.inet("127.0.0.1", 0));
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<String> order = new CopyOnWriteArrayList<>();
        for (EventLoop loop : group.loops()) {
            listener.attach(loop, bind -> {
                order.add(Thread.currentThread().getName());
                bind.receive().subscribe(s -> {
                    threads.add(Thread.currentThread().getName() + " for " + bind.remoteAddress());
                    bind.send(s).subscribe();
                });
            });
        }
        Socket[] clients = new Socket[6];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Socket(InetAddress.getLoopbackAddress(), listener.port());
            clients[i].getOutputStream().write(i);
            assertThat(clients[i].getInputStream().read()).isEqualTo(i);
        }
        assertThat(order).containsExactly("evpl-loop-0", "evpl-loop-1", "evpl-loop-0", "evpl-loop-1", "evpl-loop-0",
                "evpl-loop-1");
        for (Socket c : clients) {
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpProtocols")
    void detachingTheAcceptingLoopMovesAcceptingAndKeepsLiveConnections(Protocol p) throws Exception {
        listener = Listener.listen(p, Endpoint.inet("127.0.0.1", 0), SteeringPolicy.leastConnections());
        List<String> order = new CopyOnWriteArrayList<>();
        Disposable[] attachments = new Disposable[2];
        for (int i = 0; i < 2; i++) {
            attachments[i] = listener.attach(group.loop(i), bind -> {
                order.add(Thread.currentThread().getName());
                bind.send(bind.receive()).subscribe();
            });
        }
        Socket first = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        first.getOutputStream().write(1);
        assertThat(first.getInputStream().read()).isEqualTo(1);
        attachments[0].dispose(); // loop 0 accepted so far
        Thread.sleep(50);
        try (Socket second = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            second.getOutputStream().write(2);
            assertThat(second.getInputStream().read()).isEqualTo(2);
        }
        first.getOutputStream().write(3);
        assertThat(first.getInputStream().read()).as("live connection survives the detach").isEqualTo(3);
        first.close();
        assertThat(order).containsExactly("evpl-loop-0", "evpl-loop-1");
    }

    @Test
    void wrongEndpointsAndUnavailableProtocolsFailClearly() {
        assertThatThrownBy(() -> Listener.listen(Protocol.STREAM_SOCKET_UNIX, Endpoint.inet("127.0.0.1", 0)))
                .hasMessage("STREAM_SOCKET_UNIX needs a unix path endpoint, got 127.0.0.1:0");
        assertThatThrownBy(() -> Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.unix("/tmp/x")))
                .hasMessage("STREAM_SOCKET_TCP needs a host:port endpoint, got unix:/tmp/x");
        assertThatThrownBy(() -> Listener.listen(Protocol.STREAM_RDMACM_RC, Endpoint.inet("127.0.0.1", 0)))
                .hasMessageStartingWith("STREAM_RDMACM_RC is not available: needs an RDMA device");
        assertThatThrownBy(() -> Protocol.lookup("STREAM_FOO")).hasMessageStartingWith("unknown protocol 'STREAM_FOO'; known: [");
        assertThat(Protocol.lookup("stream_socket_tcp")).isSameAs(Protocol.STREAM_SOCKET_TCP);
        // The probe decides once per process; unavailable io_uring says why and the choice falls back to epoll.
        assertThat(Protocol.preferredTcp()).isSameAs(Protocol.STREAM_IO_URING_TCP.isAvailable()
                ? Protocol.STREAM_IO_URING_TCP : Protocol.STREAM_SOCKET_TCP);
        if (Protocol.STREAM_IO_URING_TCP.isAvailable()) {
            assertThat(Protocol.STREAM_IO_URING_TCP.unavailableReason()).isNull();
        } else {
            assertThat(Protocol.STREAM_IO_URING_TCP.unavailableReason()).startsWith("io_uring unavailable: io_uring_setup: ");
        }
        assertThat(Protocol.STREAM_SOCKET_UNIX.isLocal()).isTrue();
        assertThat(Protocol.DATAGRAM_SOCKET_UDP.isStream()).isFalse();
    }

    @Test
    void aSecondReceiveSubscriberIsRefused() {
        listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
        Sinks.One<Bind> server = Sinks.one();
        listener.attach(group.loop(1), server::tryEmitValue);
        Bind client = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                .block(Duration.ofSeconds(5));
        client.receive().subscribe(Segment::release);
        assertThatThrownBy(() -> client.receive().blockFirst(Duration.ofSeconds(5)))
                .hasMessageContaining("Bind.receive() allows one subscriber");
        client.close();
        accepted(server).close();
    }

    @Test
    void inProcessBackpressureHoldsTheSenderAtTheHighWaterMark() throws Exception {
        listener = Listener.listen(Protocol.STREAM_INPROC, Endpoint.inproc("bp-test"));
        Sinks.One<Bind> server = Sinks.one();
        listener.attach(group.loop(1), server::tryEmitValue);
        Bind client = Bind.connect(group.loop(0), Protocol.STREAM_INPROC, Endpoint.inproc("bp-test")).block(Duration.ofSeconds(5));
        Bind receiver = accepted(server);
        assertThat(client.remoteAddress().toString()).isEqualTo("inproc:bp-test");

        long total = 64L << 20;
        EventLoop loop = client.loop();
        AtomicLong generated = new AtomicLong();
        Flux<Segment> data = Pattern.stream(loop, total, 64 * 1024, generated);
        Mono<Completion> sent = client.send(data).cache();
        sent.subscribe();
        long after = awaitStall(generated, 100);
        // Unread bytes at the peer stop the sender at the 1 MiB high-water mark (plus one batch).
        assertThat(after).as("generated while nobody reads").isLessThan(4L << 20);

        byte[] scratch = new byte[64 * 1024];
        AtomicLong verified = new AtomicLong();
        Mono<Void> endOfStream = receiver.receive().doOnNext(seg -> {
            try {
                Pattern.verify(seg, verified.get(), scratch);
                verified.addAndGet(seg.readableBytes());
            } finally {
                seg.release();
            }
        }).then().cache();
        endOfStream.subscribe();
        assertThat(sent.block(Duration.ofSeconds(30)).bytes()).isEqualTo(total);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (verified.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(verified.get()).isEqualTo(total);
        client.close();
        endOfStream.block(Duration.ofSeconds(5)); // the peer's close is the end of this side's stream
        receiver.close();
    }

    @Test
    void inProcessNamesAreCheckedAndPrivate() {
        assertThatThrownBy(() -> Bind.connect(group.loop(0), Protocol.STREAM_INPROC, Endpoint.inproc("nobody-here"))
                .block(Duration.ofSeconds(5)))
                .hasMessage("connect inproc:nobody-here: nothing listening (or no loop attached)");
        listener = Listener.listen(Protocol.STREAM_INPROC, Endpoint.inproc("taken"));
        assertThatThrownBy(() -> Listener.listen(Protocol.STREAM_INPROC, Endpoint.inproc("taken")))
                .hasMessage("in-process name 'taken' is already listening");
        assertThatThrownBy(() -> Listener.listen(Protocol.STREAM_INPROC, Endpoint.inet("127.0.0.1", 0)))
                .hasMessage("STREAM_INPROC needs an in-process endpoint, got 127.0.0.1:0");
        listener.dispose();
        Listener again = Listener.listen(Protocol.STREAM_INPROC, Endpoint.inproc("taken"));
        again.dispose();
        listener = null;
    }

    @Test
    void closingAnInProcessPeerMidStreamLosesNoSegment() {
        for (int round = 0; round < 20; round++) {
            listener = Listener.listen(Protocol.STREAM_INPROC, Endpoint.inproc("close-race-" + round));
            // The server reads a little, then closes while the client is still sending.
            listener.attach(group.loop(1), bind -> bind.receive().take(3).doOnNext(Segment::release)
                    .then(Mono.fromRunnable(bind::close)).subscribe());
            Bind client = Bind.connect(group.loop(0), Protocol.STREAM_INPROC, Endpoint.inproc("close-race-" + round))
                    .block(Duration.ofSeconds(5));
            EventLoop loop = client.loop();
            Flux<Segment> data = Flux.range(0, 100_000).map(i -> Pattern.segment(loop.allocator(), i * 100L, 100))
                    .subscribeOn(loop);
            assertThatThrownBy(() -> client.send(data).block(Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            client.close();
            listener.dispose();
        }
        listener = null;
        // Every segment sent, queued, or in flight was released: the leak check after this test says so.
    }

    @Test
    void connectionEventsReportConnectedSentAndDisconnectedWithTheCause() throws Exception {
        listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
        listener.attach(group.loop(1), bind -> bind.receive().subscribe(Segment::release));
        Bind client = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                .block(Duration.ofSeconds(5));
        List<BindEvent> events = new CopyOnWriteArrayList<>();
        client.events().subscribe(events::add);
        Mono.fromCallable(() -> client.loop().allocator().copyOf(new byte[1000])).subscribeOn(client.loop())
                .flatMap(client::send).block(Duration.ofSeconds(5));
        client.close();
        client.onClose().block(Duration.ofSeconds(5));
        Thread.sleep(50);
        assertThat(events.get(0)).isInstanceOf(BindEvent.Connected.class);
        assertThat(((BindEvent.Connected) events.get(0)).remote()).isEqualTo(client.remoteAddress());
        assertThat(events).contains(new BindEvent.Sent(1000, 1));
        assertThat(events.get(events.size() - 1)).isEqualTo(new BindEvent.Disconnected(null));
        // A late subscriber still gets Connected, then the Disconnected it missed.
        assertThat(client.events().collectList().block(Duration.ofSeconds(5)))
                .containsExactly(events.get(0), new BindEvent.Disconnected(null));

        // A reset reports its cause.
        Sinks.One<Bind> server = Sinks.one();
        Listener second = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
        second.attach(group.loop(1), server::tryEmitValue);
        try (Socket jdk = new Socket(InetAddress.getLoopbackAddress(), second.port())) {
            Bind bind = accepted(server);
            Mono<List<BindEvent>> all = bind.events().collectList().cache();
            all.subscribe();
            bind.receive().subscribe(Segment::release, e -> { });
            jdk.setSoLinger(true, 0);
            jdk.close();
            List<BindEvent> got = all.block(Duration.ofSeconds(5));
            assertThat(got.get(got.size() - 1)).isInstanceOfSatisfying(BindEvent.Disconnected.class,
                    d -> assertThat(d.cause()).hasMessageContaining("ECONNRESET"));
        } finally {
            second.dispose();
        }
    }

    @Test
    void connectQueuedAcceptsSendsBeforeTheConnectCompletesAndReportsAFailedOne() throws Exception {
        listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
        Sinks.Many<String> received = Sinks.many().replay().all();
        listener.attach(group.loop(1), bind -> bind.receive()
                .map(seg -> {
                    try {
                        return seg.toString(StandardCharsets.US_ASCII);
                    } finally {
                        seg.release();
                    }
                })
                .subscribe(received::tryEmitNext));
        EventLoop loop = group.loop(0);
        // On the loop: get the bind and queue three sends in the same task, before any connect event.
        Mono<Completion> all = Bind.connectQueued(loop, Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                .publishOn(loop)
                .flatMap(bind -> Flux.just("one,", "two,", "three")
                        .concatMap(text -> bind.send(loop.allocator().copyOf(text.getBytes(StandardCharsets.US_ASCII))))
                        .last());
        assertThat(all.block(Duration.ofSeconds(5)).bytes()).isEqualTo(5);
        String text = received.asFlux().scan("", String::concat).filter(t -> t.length() >= 13).blockFirst(Duration.ofSeconds(5));
        assertThat(text).isEqualTo("one,two,three");

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Bind doomed = Bind.connectQueued(loop, Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", port))
                .block(Duration.ofSeconds(5));
        Mono<List<BindEvent>> events = doomed.events().collectList().cache();
        events.subscribe();
        Segment queued = Mono.fromCallable(() -> loop.allocator().copyOf(new byte[10])).subscribeOn(loop).block();
        assertThatThrownBy(() -> doomed.send(queued).block(Duration.ofSeconds(5)))
                .hasMessage("connect 127.0.0.1:" + port + ": ECONNREFUSED (111)");
        assertThat(events.block(Duration.ofSeconds(5))).singleElement()
                .isInstanceOfSatisfying(BindEvent.Disconnected.class, d -> assertThat(d.cause()).hasMessageContaining("ECONNREFUSED"));
    }
}
