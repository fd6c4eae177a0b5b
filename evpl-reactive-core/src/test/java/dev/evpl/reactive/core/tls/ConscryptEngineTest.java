package dev.evpl.reactive.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Conscrypt (BoringSSL) engine through the same layer: each pairing of engines (Conscrypt and
 * the JDK's, server and client) handshakes with ALPN, verifies the host name, echoes 16 MiB with the
 * content checked, and closes with close_notify both ways.
 */
class ConscryptEngineTest {
    @TempDir
    static Path certs;
    static TestCertificates server;

    private final EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
    private final List<Listener> listeners = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificates.create(certs, "server", "localhost");
    }

    @AfterEach
    void close() {
        listeners.forEach(Listener::dispose);
        group.close();
    }

    private static long received(long[] count) {
        synchronized (count) {
            return count[0];
        }
    }

    private static TlsConfig.Builder engine(TlsConfig.Builder b, String engine) {
        return engine.equals("conscrypt") ? b.conscrypt() : b;
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @CsvSource({"conscrypt, conscrypt", "conscrypt, jdk", "jdk, conscrypt"})
    void pairingsHandshakeEchoAndCloseCleanly(String serverEngine, String clientEngine) throws Exception {
        TlsConfig sc = engine(TlsConfig.server(server.cert(), server.key()).alpn("h2", "http/1.1"), serverEngine).build();
        TlsConfig cc = engine(TlsConfig.client().trustPem(server.cert()).alpn("http/1.1"), clientEngine).build();
        assertThat(sc.engineProvider()).startsWith(serverEngine.equals("conscrypt") ? "Conscrypt" : "SunJSSE");
        Listener l = Listener.listen(TlsTransport.server(sc), Endpoint.inet("127.0.0.1", 0));
        listeners.add(l);
        java.util.concurrent.atomic.AtomicLong serverGot = new java.util.concurrent.atomic.AtomicLong();
        l.attach(group.loop(1), bind -> bind.send(bind.receive().doOnNext(s -> serverGot.addAndGet(s.readableBytes())))
                .subscribe(c -> bind.finish().subscribe(), e -> bind.close()));
        SecureBind c = (SecureBind) Bind.connect(group.loop(0), TlsTransport.client(cc), Endpoint.inet("localhost", l.port()))
                .block(Duration.ofSeconds(10));
        assertThat(c.applicationProtocol()).isEqualTo("http/1.1");
        assertThat(c.session().getProtocol()).isEqualTo("TLSv1.3");

        int chunk = 64 * 1024;
        int chunks = 256; // 16 MiB
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long[] count = new long[1];
        Mono<Void> in = c.receive().doOnNext(s -> {
            try {
                for (java.nio.ByteBuffer b : s.asByteBuffers()) {
                    synchronized (count) {
                        count[0] += b.remaining();
                    }
                    received.update(b);
                }
            } finally {
                s.release();
            }
        }).then();
        java.util.concurrent.CompletableFuture<Void> done = in.toFuture();
        Random random = new Random(5);
        Flux<Segment> out = Flux.range(0, chunks).map(i -> {
            byte[] b = new byte[chunk];
            random.nextBytes(b);
            sent.update(b);
            return c.loop().allocator().copyOf(b);
        }).subscribeOn(c.loop());
        c.send(out).block(Duration.ofSeconds(60));
        // Conscrypt closes both directions on a close_notify (no half-close): finish once the echo is
        // all back (the JDK-only pairings in TlsBindTest finish first and read the rest after).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (received(count) < (long) chunk * chunks && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        c.finish().subscribe();
        done.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(serverGot.get()).as("bytes the server received").isEqualTo((long) chunk * chunks);
        assertThat(count[0]).as("bytes echoed back").isEqualTo((long) chunk * chunks);
        assertThat(received.digest()).isEqualTo(sent.digest());
        c.onClose().block(Duration.ofSeconds(10));
    }

    /** A server on loop 1 whose binds' receive errors are collected; returns its port. */
    private int collectingServer(TlsConfig config, List<Throwable> errors) {
        Listener l = Listener.listen(TlsTransport.server(config), Endpoint.inet("127.0.0.1", 0));
        listeners.add(l);
        l.attach(group.loop(1), bind -> bind.receive().doOnNext(Segment::release).subscribe(null, errors::add));
        return l.port();
    }

    private static Throwable firstError(List<Throwable> errors, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (errors.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(errors).as("errors within %s", within).isNotEmpty();
        return errors.get(0);
    }

    private Bind plainClient(int port, byte[] bytes) {
        Bind plain = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", port))
                .block(Duration.ofSeconds(5));
        plain.send(Mono.fromCallable(() -> plain.loop().allocator().copyOf(bytes)).subscribeOn(plain.loop())).subscribe(null, e -> { });
        plain.receive().subscribe(Segment::release, e -> { });
        return plain;
    }

    /**
     * Conscrypt's server waits for no more than a record: a header no TLS record may have (65 535
     * bytes announced) and plaintext (no record header at all) fail that bind at once, not at the
     * handshake timeout (10 s).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"oversized", "plaintext"})
    void conscryptRejectsWhatIsNoRecordAtOnce(String what) throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        int port = collectingServer(TlsConfig.server(server.cert(), server.key()).conscrypt().build(), errors);
        byte[] bytes = what.equals("oversized")
                ? new byte[] {0x16, 0x03, 0x03, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8}
                : "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Bind plain = plainClient(port, bytes);
        Throwable e = firstError(errors, Duration.ofSeconds(3));
        assertThat(e).isInstanceOf(SSLException.class);
        if (what.equals("oversized")) {
            assertThat(e.getMessage()).contains("announces 65535 bytes", "more than any TLS record");
        }
        plain.close();
        // the loop goes on: a real client is served
        List<Throwable> none = new CopyOnWriteArrayList<>();
        SecureBind ok = (SecureBind) Bind.connect(group.loop(0),
                TlsTransport.client(TlsConfig.client().trustPem(server.cert()).conscrypt().build()),
                Endpoint.inet("localhost", port)).block(Duration.ofSeconds(10));
        assertThat(ok.session().getProtocol()).isEqualTo("TLSv1.3");
        ok.close();
        assertThat(none).isEmpty();
    }

    /**
     * After the handshake the peer sends the first 105 bytes of a 16 KiB record and closes the
     * connection: a truncation error on the server, for both engines, not a wait for bytes that
     * cannot come.
     */
    @ParameterizedTest(name = "server {0}")
    @ValueSource(strings = {"conscrypt", "jdk"})
    void aRecordCutByTheEndOfTheStreamIsATruncation(String serverEngine) throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        int port = collectingServer(engine(TlsConfig.server(server.cert(), server.key()), serverEngine).build(), errors);
        SecureBind c = (SecureBind) Bind.connect(group.loop(0), TlsTransport.client(TlsConfig.client().trustPem(server.cert()).build()),
                Endpoint.inet("localhost", port)).block(Duration.ofSeconds(10));
        c.receive().subscribe(Segment::release, e -> { });
        byte[] cut = new byte[105];
        cut[0] = 0x17;
        cut[1] = 0x03;
        cut[2] = 0x03;
        cut[3] = 0x40; // 16 384 bytes announced, 100 sent
        Bind inner = c.transport();
        inner.send(Mono.fromCallable(() -> inner.loop().allocator().copyOf(cut)).subscribeOn(inner.loop()))
                .block(Duration.ofSeconds(5));
        Thread.sleep(100);
        inner.finish().block(Duration.ofSeconds(5));
        Throwable e = firstError(errors, Duration.ofSeconds(5));
        assertThat(e).isInstanceOf(SSLException.class);
        assertThat(e.getMessage()).contains("truncated", "without close_notify");
        c.close();
    }
}
