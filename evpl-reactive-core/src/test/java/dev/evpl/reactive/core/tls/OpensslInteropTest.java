package dev.evpl.reactive.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.Segment;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Against a real TLS peer: OpenSSL's {@code s_client} talks to our server, our client talks to
 * {@code s_server}. CI installs openssl (.ci/run); without it these cases are skipped.
 */
class OpensslInteropTest {
    @TempDir
    static Path certs;
    static TestCertificates server;

    private final EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
    private Listener listener;

    @BeforeAll
    static void setUp() throws Exception {
        requireTool(openssl(), "openssl");
        server = TestCertificates.create(certs, "server", "localhost");
    }

    @AfterEach
    void close() {
        if (listener != null) {
            listener.dispose();
        }
        group.close();
    }

    /**
     * Skips without the tool, except where CI installed it ({@code EVPL_EXPECT_TLS_TOOLS}, set by
     * .ci/run): there a missing tool fails, so these cases never pass by skipping.
     */
    static void requireTool(boolean present, String tool) {
        if (System.getenv("EVPL_EXPECT_TLS_TOOLS") != null) {
            assertThat(present).as(tool + " is expected here (EVPL_EXPECT_TLS_TOOLS) but does not run").isTrue();
        }
        assumeTrue(present, tool + " is not installed");
    }

    static boolean openssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void sClientTalksToOurServerOverTls13AndTls12() throws Exception {
        listener = Listener.listen(TlsTransport.server(TlsConfig.server(server.cert(), server.key()).build()),
                Endpoint.inet("127.0.0.1", 0));
        listener.attach(group.loop(0), bind -> bind.send(bind.receive()).subscribe(c -> bind.finish().subscribe(), e -> bind.close()));
        for (String version : new String[] {"-tls1_3", "-tls1_2"}) {
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + listener.port(), version,
                    "-CAfile", server.cert().toString(), "-verify_return_error", "-servername", "localhost", "-quiet")
                    .redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream();
                    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                in.write(("ping over " + version + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                String line;
                String echoed = null;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ping over")) {
                        echoed = line;
                        break;
                    }
                }
                assertThat(echoed).as("echo through s_client " + version).isEqualTo("ping over " + version);
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void ourClientTalksToSServerAndVerifiesItsName() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("openssl", "s_server", "-accept", String.valueOf(port), "-cert", server.cert().toString(),
                "-key", server.key().toString(), "-rev", "-quiet").redirectErrorStream(true).start();
        try {
            TlsTransport client = TlsTransport.client(TlsConfig.client().trustPem(server.cert()).build());
            Bind b = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (b == null) {
                try {
                    b = Bind.connect(group.loop(0), client, Endpoint.inet("localhost", port)).block(Duration.ofSeconds(5));
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
            Bind bind = b;
            assertThat(((SecureBind) bind).session().getProtocol()).isEqualTo("TLSv1.3");
            // s_server -rev answers each line reversed.
            Mono<String> reply = bind.receive().map(s -> {
                try {
                    return s.toString(StandardCharsets.UTF_8);
                } finally {
                    s.release();
                }
            }).scan("", String::concat).filter(all -> all.contains("\n")).next();
            Segment line = Mono.fromCallable(() -> bind.loop().allocator().copyOf("evpl\n".getBytes(StandardCharsets.UTF_8)))
                    .subscribeOn(bind.loop()).block();
            bind.send(line).block(Duration.ofSeconds(5));
            assertThat(reply.block(Duration.ofSeconds(10))).contains("lpve");
            bind.close();
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRecordLengthBeyondTheLimitFailsThatBindWithAClearError() throws Exception {
        listener = Listener.listen(TlsTransport.server(TlsConfig.server(server.cert(), server.key()).build()),
                Endpoint.inet("127.0.0.1", 0));
        java.util.List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        listener.attach(group.loop(0), bind -> bind.receive().doOnNext(Segment::release).subscribe(null, errors::add));
        Bind raw = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                .block(Duration.ofSeconds(5));
        // A handshake record header (type 22, version 3.3) claiming 65 535 bytes, past the 16 KiB + 2 KiB limit.
        byte[] header = {22, 3, 3, (byte) 0xff, (byte) 0xff, (byte) 0x80, 0, 0, 0};
        raw.send(header).block(Duration.ofSeconds(5));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (errors.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(errors).singleElement().isInstanceOf(javax.net.ssl.SSLException.class);
        raw.close();
    }
}
