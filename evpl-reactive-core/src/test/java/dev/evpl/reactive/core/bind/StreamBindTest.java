package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The content-verified matrix on every stream protocol: hello, ping-pong, bulk, full duplex. */
class StreamBindTest {
    private EventLoopGroup group;
    private Listener listener;
    private Disposable attachment;
    @TempDir
    Path dir;

    /** Every stream protocol this machine serves: io_uring TCP joins where io_uring works. */
    static Stream<Protocol> protocols() {
        return Stream.of(Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_SOCKET_UNIX, Protocol.STREAM_INPROC,
                Protocol.STREAM_IO_URING_TCP).filter(Protocol::isAvailable);
    }

    /** The loops' configuration (subclasses run the matrix on other ring set-ups). */
    GroupConfig groupConfig() {
        return GroupConfig.builder().threads(2).build();
    }

    @BeforeEach
    void loops() {
        group = EventLoopGroup.create(groupConfig());
    }

    @AfterEach
    void close() {
        if (listener != null) {
            listener.dispose();
        }
        group.close();
    }

    private Endpoint endpoint(Protocol p) {
        if (p == Protocol.STREAM_INPROC) {
            return Endpoint.inproc("echo-" + System.identityHashCode(this));
        }
        return p == Protocol.STREAM_SOCKET_UNIX ? Endpoint.unix(dir.resolve("echo.sock").toString())
                : Endpoint.inet("127.0.0.1", 0);
    }

    /** An echo server on loop 1: every byte back, zero-copy (received segments are sent as they are). */
    private Endpoint echoServer(Protocol p) {
        listener = Listener.listen(p, endpoint(p));
        attachment = listener.attach(group.loop(1), bind -> bind.send(bind.receive()).subscribe(c -> bind.close(), e -> bind.close()));
        return p == Protocol.STREAM_SOCKET_TCP || p == Protocol.STREAM_IO_URING_TCP
                ? Endpoint.inet("127.0.0.1", listener.port()) : endpoint(p);
    }

    private Bind connect(Protocol p, Endpoint e) {
        return Bind.connect(group.loop(0), p, e).block(Duration.ofSeconds(5));
    }

    private static Mono<String> readString(Bind bind, int length) {
        return bind.receive()
                .map(s -> {
                    try {
                        return s.toString(StandardCharsets.UTF_8);
                    } finally {
                        s.release();
                    }
                })
                .scan("", String::concat)
                .filter(all -> all.length() >= length)
                .next();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void helloWorld(Protocol p) {
        Endpoint e = echoServer(p);
        Bind client = connect(p, e);
        assertThat(client.protocol()).isEqualTo(p);
        assertThat(client.remoteAddress()).isNotNull();
        Mono<String> reply = readString(client, 11);
        Segment hello = Mono.fromCallable(() -> client.loop().allocator().copyOf("hello world".getBytes(StandardCharsets.UTF_8)))
                .subscribeOn(client.loop()).block();
        // The Completion waits for demand: written at once, but emitted only after request(1).
        reactor.test.StepVerifier.create(client.send(hello), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNext(new Completion(11, 1))
                .verifyComplete();
        assertThat(reply.block(Duration.ofSeconds(5))).isEqualTo("hello world");
        client.close();
        client.onClose().block(Duration.ofSeconds(5));
        assertThat(client.isClosed()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void pingPongKeepsContentAndOrder(Protocol p) {
        Endpoint e = echoServer(p);
        Bind client = connect(p, e);
        int rounds = 2000;
        EventLoop loop = client.loop();
        // One 64-byte message in flight at a time; each carries its round number; verified on return.
        Mono<Long> run = Mono.<Long>create(sink -> {
            AtomicLong round = new AtomicLong();
            byte[] scratch = new byte[64];
            AtomicLong received = new AtomicLong();
            client.receive().subscribe(seg -> {
                try {
                    Pattern.verify(seg, received.get(), scratch);
                    received.addAndGet(seg.readableBytes());
                } catch (Throwable t) {
                    sink.error(t);
                } finally {
                    seg.release();
                }
                if (received.get() == round.get() * 64) {
                    if (round.get() == rounds) {
                        sink.success(round.get());
                    } else {
                        client.send(Pattern.segment(loop.allocator(), round.getAndIncrement() * 64, 64)).subscribe();
                    }
                }
            }, sink::error);
            loop.schedule(() -> client.send(Pattern.segment(loop.allocator(), round.getAndIncrement() * 64, 64)).subscribe());
        });
        assertThat(run.block(Duration.ofSeconds(30))).isEqualTo((long) rounds);
        client.close();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void bulkTransferIsEchoedIntact(Protocol p) {
        Endpoint e = echoServer(p);
        Bind client = connect(p, e);
        long total = 32L << 20;
        assertThat(transfer(client, total, new Random(1), 65536)).isEqualTo(total);
        client.close();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void randomFullDuplexOnTwoConnections(Protocol p) {
        Endpoint e = echoServer(p);
        Bind a = connect(p, e);
        Bind b = connect(p, e);
        long total = 64L << 20;
        Mono<Long> ta = Mono.fromCallable(() -> transfer(a, total, new Random(7), 200_000));
        Mono<Long> tb = Mono.fromCallable(() -> transfer(b, total, new Random(8), 200_000));
        Long[] results = Flux.merge(ta.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()),
                tb.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())).collectList()
                .block(Duration.ofSeconds(120)).toArray(new Long[0]);
        assertThat(results).containsExactly(total, total);
        a.close();
        b.close();
    }

    /**
     * Sends {@code total} pattern bytes in random chunk sizes (1..maxChunk) while receiving the
     * echo, and verifies every received byte. Returns the bytes verified. Blocking (test thread).
     */
    static long transfer(Bind bind, long total, Random random, int maxChunk) {
        EventLoop loop = bind.loop();
        AtomicLong verified = new AtomicLong();
        byte[] scratch = new byte[64 * 1024];
        Mono<Long> received = bind.receive()
                .doOnNext(seg -> {
                    try {
                        Pattern.verify(seg, verified.get(), scratch);
                        verified.addAndGet(seg.readableBytes());
                    } finally {
                        seg.release();
                    }
                })
                .takeUntil(seg -> verified.get() >= total)
                .then(Mono.fromCallable(verified::get));
        long[] sizes = new long[1];
        Flux<Segment> data = Flux.generate(() -> 0L, (position, sink) -> {
            if (position >= total) {
                sink.complete();
                return position;
            }
            int n = (int) Math.min(total - position, 1 + random.nextInt(Math.min(maxChunk, 1 << 20)));
            sink.next(Pattern.segment(loop.allocator(), position, n));
            sizes[0]++;
            return position + n;
        });
        Mono<Completion> sent = bind.send(Flux.defer(() -> data).subscribeOn(loop));
        return Mono.zip(sent, received).map(t -> {
            assertThat(t.getT1().bytes()).isEqualTo(total);
            assertThat(t.getT1().messages()).isEqualTo(sizes[0]);
            return t.getT2();
        }).block(Duration.ofSeconds(90));
    }
}
