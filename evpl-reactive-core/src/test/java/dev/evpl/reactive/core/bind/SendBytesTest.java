package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.framing.FrameEncoder;
import dev.evpl.reactive.core.framing.Framing;
import dev.evpl.reactive.core.framing.SegmentFunction;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bytes sent from any thread ({@link Bind#send(byte[])}, {@link Bind#send(ByteBuffer)},
 * {@link Bind#sendString}) and framed sends ({@link Framing#send}, {@link Framing#sendBytes}) over
 * every stream protocol, against an echo server on another loop: content, order and call-site
 * thread do not matter to what the peer gets.
 */
class SendBytesTest {
    private EventLoopGroup group;
    private Listener listener;
    @TempDir
    Path dir;

    static Stream<Protocol> protocols() {
        return Stream.of(Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_SOCKET_UNIX, Protocol.STREAM_INPROC,
                Protocol.STREAM_IO_URING_TCP).filter(Protocol::isAvailable);
    }

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

    /** An echo server on loop 1; the client connects from loop 0. */
    private Bind echoPair(Protocol p) {
        Endpoint at = p.name().equals("STREAM_INPROC") ? Endpoint.inproc("send-bytes-" + System.identityHashCode(this))
                : p.name().equals("STREAM_SOCKET_UNIX") ? Endpoint.unix(dir.resolve("e.sock").toString())
                : Endpoint.inet("127.0.0.1", 0);
        listener = Listener.listen(p, at);
        listener.attach(group.loop(1), bind -> bind.send(bind.receive()).subscribe(c -> bind.close(), e -> bind.close()));
        Endpoint to = listener.port() > 0 ? Endpoint.inet("127.0.0.1", listener.port()) : at;
        return Bind.connect(group.loop(0), p, to).block(Duration.ofSeconds(5));
    }

    private static byte[] readBytes(Bind bind, int length) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        bind.receive().doOnNext(s -> {
            try {
                all.writeBytes(s.toByteArray());
            } finally {
                s.release();
            }
        }).takeUntil(s -> all.size() >= length).then().block(Duration.ofSeconds(20));
        return all.toByteArray();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void bytesBuffersAndStringsFromAnotherThreadArriveIntactAndInCallOrder(Protocol p) {
        Bind client = echoPair(p);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<Mono<Completion>> sends = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            switch (i % 3) {
                case 0 -> {
                    byte[] b = new byte[1 + random.nextInt(300)];
                    random.nextBytes(b);
                    expected.writeBytes(b);
                    sends.add(client.send(b));
                }
                case 1 -> {
                    // a direct buffer read from its position: only position..limit goes out
                    ByteBuffer d = ByteBuffer.allocateDirect(64);
                    for (int k = 0; k < 64; k++) {
                        d.put((byte) (i + k));
                    }
                    d.position(8).limit(40);
                    byte[] part = new byte[32];
                    d.duplicate().get(part);
                    expected.writeBytes(part);
                    sends.add(client.send(d));
                    assertThat(d.position()).isEqualTo(8); // not moved
                }
                default -> {
                    String s = "msg " + i + " é€\n";
                    expected.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    sends.add(client.sendString(s));
                }
            }
        }
        // Subscribed one after another from this (non-loop) thread: the bytes keep that order.
        List<Completion> done = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (Mono<Completion> m : sends) {
            m.subscribe(done::add);
        }
        byte[] got = readBytes(client, expected.size());
        assertThat(got).isEqualTo(expected.toByteArray());
        assertThat(done).hasSize(sends.size()).allSatisfy(c -> assertThat(c.messages()).isEqualTo(1));
        client.close();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void aBufferLargerThanAPoolBufferIsCopiedAcrossBuffers(Protocol p) {
        Bind client = echoPair(p);
        int size = (3 << 20) + 12345; // more than one 2 MiB pool buffer: a composite segment
        ByteBuffer big = ByteBuffer.allocate(size + 7);
        new Random(7).nextBytes(big.array());
        big.position(7);
        byte[] expected = new byte[size];
        big.duplicate().get(expected);
        // Read while sending: the echo holds back once its peer stops reading, so a 3 MiB send that
        // waited for completion before reading could wait for ever (kernel buffers are smaller).
        java.util.concurrent.CompletableFuture<byte[]> echoed = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> readBytes(client, size));
        Completion c = client.send(big).block(Duration.ofSeconds(20));
        assertThat(c.bytes()).isEqualTo(size);
        assertThat(echoed.join()).isEqualTo(expected);
        client.close();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void framedSendsDecodeToThePayloadsOnThePeer(Protocol p) {
        Bind client = echoPair(p);
        Random random = new Random(11);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] b = new byte[random.nextInt(2000)];
            random.nextBytes(b);
            payloads.add(b);
        }
        Mono<List<byte[]>> received = Framing.receive(client, SegmentFunction.length32(1 << 16))
                .map(m -> {
                    try {
                        assertThat(m.getInt(0)).isEqualTo(m.readableBytes() - 4); // the frame keeps its prefix
                        Segment payload = m.slice(4, m.readableBytes() - 4); // a reference of its own
                        try {
                            return payload.toByteArray();
                        } finally {
                            payload.release();
                        }
                    } finally {
                        m.release();
                    }
                })
                .take(payloads.size()).collectList().cache();
        received.subscribe();
        Completion sent = Framing.sendBytes(client, FrameEncoder.length32(), Flux.fromIterable(payloads))
                .block(Duration.ofSeconds(20));
        assertThat(sent.messages()).isEqualTo(payloads.size());
        List<byte[]> got = received.block(Duration.ofSeconds(20));
        assertThat(got).hasSize(payloads.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).as("message %d", i).isEqualTo(payloads.get(i));
        }
        client.close();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void linesAndLittleEndianFieldsFromSegmentsAllocatedOnTheLoop(Protocol p) {
        Bind client = echoPair(p);
        Mono<List<String>> lines = Framing.receive(client, SegmentFunction.line(1024))
                .map(m -> {
                    try {
                        return m.toString(StandardCharsets.UTF_8);
                    } finally {
                        m.release();
                    }
                }).take(100).collectList().cache();
        lines.subscribe();
        // Payload segments made on the loop, framed by the encoder there (no hop needed).
        Flux<Segment> payloads = Flux.range(0, 100)
                .map(i -> client.loop().allocator().copyOf(("line " + i).getBytes(StandardCharsets.UTF_8)))
                .subscribeOn(client.loop());
        Framing.send(client, FrameEncoder.line(), payloads).block(Duration.ofSeconds(10));
        List<String> got = lines.block(Duration.ofSeconds(10));
        for (int i = 0; i < 100; i++) {
            assertThat(got.get(i)).isEqualTo("line " + i + "\n");
        }
        client.close();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void aPayloadTooLongForItsFieldFailsTheSendAndLeaksNothing(Protocol p) {
        Bind client = echoPair(p);
        FrameEncoder oneByte = FrameEncoder.lengthField(1, ByteOrder.LITTLE_ENDIAN, 0);
        Throwable error = Framing.sendBytes(client, oneByte, Flux.just(new byte[10], new byte[256]))
                .map(c -> (Throwable) null).onErrorResume(Mono::just).block(Duration.ofSeconds(10));
        assertThat(error).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a payload of 256 bytes (adjustment 0) does not fit a 1-byte length field");
        client.close();
    }
}
