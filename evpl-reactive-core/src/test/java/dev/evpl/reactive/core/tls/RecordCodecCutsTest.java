package dev.evpl.reactive.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.buffer.BufferConfig;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The record layer with ciphertext cut anywhere: two real engines (a client and a server codec)
 * handshake and then the client's records reach the server re-cut at seeded random points — single
 * bytes, pieces of a record header, pieces longer than a pool buffer (segments of several slices),
 * several records at once. The plaintext must come out byte for byte. Conscrypt's engine takes a
 * record from views of the received segments wherever the cuts fall (no copy: {@code unwrapsFromCopy}
 * stays 0, and records spanning segments are counted); the JDK's goes through its copy buffer.
 */
class RecordCodecCutsTest {
    @TempDir
    static Path certs;
    static TestCertificates server;

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificates.create(certs, "server", "localhost");
    }

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of("conscrypt", 4096), Arguments.of("conscrypt", 65536),
                Arguments.of("jdk", 4096), Arguments.of("jdk", 65536));
    }

    @ParameterizedTest(name = "{0}, pool buffers of {1} bytes")
    @MethodSource("cases")
    void recordsCutAnywhereDecryptToTheBytesSent(String engine, int bufferSize) throws Exception {
        TlsConfig.Builder sb = TlsConfig.server(server.cert(), server.key());
        TlsConfig.Builder cb = TlsConfig.client().trustPem(server.cert());
        TlsConfig sc = (engine.equals("conscrypt") ? sb.conscrypt() : sb).build();
        TlsConfig cc = (engine.equals("conscrypt") ? cb.conscrypt() : cb).build();
        BufferPool pool = new BufferPool(BufferConfig.builder().bufferSize(bufferSize).build());
        SegmentAllocator allocator = new SegmentAllocator(pool);
        long fromCopy = 0;
        long acrossReads = 0;
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            Side client = new Side(cc.newEngine("localhost", 443), allocator, random);
            Side srv = new Side(sc.newEngine(null, -1), allocator, random);
            client.engine.beginHandshake();
            srv.engine.beginHandshake();
            for (int step = 0; client.handshaking() || srv.handshaking(); step++) {
                assertThat(step).as("handshake steps (seed %d)", seed).isLessThan(10_000);
                client.handshakeStep(srv);
                srv.handshakeStep(client);
            }
            srv.plain.forEach(Segment::release);
            srv.plain.clear();
            // The client sends plaintext of random sizes; its records go to the server re-cut.
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (int total = 0; total < 256 * 1024;) {
                byte[] b = new byte[1 + random.nextInt(40_000)];
                random.nextBytes(b);
                sent.write(b);
                total += b.length;
                Segment s = allocator.copyOf(b);
                client.codec.wrap(s, client.out);
                s.release();
            }
            srv.take(client.out);
            srv.drain();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (Segment s : srv.plain) {
                byte[] b = new byte[s.readableBytes()];
                s.getBytes(0, b, 0, b.length);
                got.write(b);
                s.release();
            }
            srv.plain.clear();
            assertThat(got.toByteArray()).as("plaintext through random cuts (seed %d)", seed).isEqualTo(sent.toByteArray());
            fromCopy += srv.codec.unwrapsFromCopy;
            acrossReads += srv.codec.unwrapsAcrossReads;
            client.release();
            srv.release();
        }
        System.out.println(engine + "/" + bufferSize + ": unwraps from the copy " + fromCopy + ", across segments " + acrossReads);
        if (engine.equals("conscrypt")) {
            assertThat(fromCopy).as("Conscrypt unwraps from a copy").isZero();
            assertThat(acrossReads).as("records unwrapped from several segments").isPositive();
        } else {
            assertThat(fromCopy).as("JDK engine: cut records go through the copy").isPositive();
        }
    }

    /** One end: its engine and codec, records it produced, the wire bytes it has not been offered yet. */
    private static final class Side {
        final SSLEngine engine;
        final RecordCodec codec;
        final SegmentAllocator allocator;
        final Random random;
        final ArrayDeque<Segment> out = new ArrayDeque<>();
        final ArrayDeque<Segment> plain = new ArrayDeque<>();
        private byte[] wire = new byte[0];
        private int wireAt;

        Side(SSLEngine engine, SegmentAllocator allocator, Random random) {
            this.engine = engine;
            this.codec = new RecordCodec(engine, allocator);
            this.allocator = allocator;
            this.random = random;
        }

        boolean handshaking() {
            HandshakeStatus hs = engine.getHandshakeStatus();
            return hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
        }

        void handshakeStep(Side peer) throws Exception {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    for (Runnable t; (t = engine.getDelegatedTask()) != null;) {
                        t.run();
                    }
                }
                case NEED_WRAP -> codec.wrap((java.nio.ByteBuffer[]) null, out);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    take(peer.out);
                    offerOne();
                    codec.unwrap(plain);
                }
                default -> { }
            }
        }

        /** Moves the peer's records onto this side's wire (they are cut again when offered). */
        void take(ArrayDeque<Segment> records) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(wire, wireAt, wire.length - wireAt);
            for (Segment s; (s = records.poll()) != null;) {
                byte[] bytes = new byte[s.readableBytes()];
                s.getBytes(0, bytes, 0, bytes.length);
                b.writeBytes(bytes);
                s.release();
            }
            wire = b.toByteArray();
            wireAt = 0;
        }

        /** Offers one randomly sized piece of the wire when the codec wants input. */
        private void offerOne() {
            if (!codec.wantsInput() || wireAt == wire.length) {
                return;
            }
            int max = switch (random.nextInt(3)) {
                case 0 -> 16; // header fragments, single bytes
                case 1 -> allocator.pool().config().bufferSize();
                default -> 40_000; // several records, several slices
            };
            int n = Math.min(wire.length - wireAt, 1 + random.nextInt(max));
            Segment s = allocator.allocate(n);
            s.setBytes(0, wire, wireAt, n);
            wireAt += n;
            codec.offer(s);
        }

        /** Unwraps everything on the wire. */
        void drain() throws SSLException {
            for (int guard = 0; ; guard++) {
                assertThat(guard).as("unwrap calls").isLessThan(1_000_000);
                offerOne();
                RecordCodec.Unwrapped u = codec.unwrap(plain);
                if (u == RecordCodec.Unwrapped.NEED_INPUT && wireAt == wire.length) {
                    return;
                }
            }
        }

        void release() {
            codec.release();
            out.forEach(Segment::release);
            plain.forEach(Segment::release);
        }
    }
}
