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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
}
