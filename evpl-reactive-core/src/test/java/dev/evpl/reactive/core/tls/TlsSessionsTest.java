package dev.evpl.reactive.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * What a long-running TLS server meets: certificates picked by SNI name, a certificate replaced
 * while it serves, sessions resumed by returning clients, TLS 1.3 key updates in the middle of a stream.
 */
class TlsSessionsTest {
    @TempDir
    static Path certs;
    static TestCertificates main;
    static TestCertificates api;
    static TestCertificates wild;
    static TestCertificates renewed;
    static Path allTrusted;

    private final EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
    private final List<Listener> listeners = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        main = TestCertificates.create(certs, "main", "localhost");
        api = TestCertificates.create(certs, "api", "api.example");
        wild = TestCertificates.create(certs, "wild", "*.wild.example");
        renewed = TestCertificates.create(certs, "renewed", "localhost");
        allTrusted = certs.resolve("all.pem");
        StringBuilder pem = new StringBuilder();
        for (TestCertificates c : List.of(main, api, wild, renewed)) {
            pem.append(Files.readString(c.cert()));
        }
        Files.writeString(allTrusted, pem);
    }

    @AfterEach
    void close() {
        listeners.forEach(Listener::dispose);
        group.close();
    }

    private int echoServer(TlsTransport transport) {
        Listener l = Listener.listen(transport, Endpoint.inet("127.0.0.1", 0));
        listeners.add(l);
        l.attach(group.loop(1), bind -> bind.send(bind.receive()).subscribe(c -> bind.finish().subscribe(), e -> bind.close()));
        return l.port();
    }

    private SecureBind connect(TlsConfig config, String host, int port) {
        return (SecureBind) Bind.connect(group.loop(0), TlsTransport.client(config), Endpoint.inet(host, port))
                .block(Duration.ofSeconds(10));
    }

    private static String subject(SecureBind b) throws Exception {
        return ((X509Certificate) b.session().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    private static String echo(SecureBind b, String text) {
        Mono<String> reply = b.receive().map(s -> {
            try {
                return s.toString(StandardCharsets.UTF_8);
            } finally {
                s.release();
            }
        }).scan("", String::concat).filter(all -> all.length() >= text.length()).next();
        Segment out = Mono.fromCallable(() -> b.loop().allocator().copyOf(text.getBytes(StandardCharsets.UTF_8)))
                .subscribeOn(b.loop()).block();
        b.send(out).block(Duration.ofSeconds(5));
        return reply.block(Duration.ofSeconds(10));
    }

    @Test
    void sniPicksTheCertificateByExactNameThenWildcardElseTheDefault() throws Exception {
        int port = echoServer(TlsTransport.server(TlsConfig.server(main.cert(), main.key())
                .certificateFor("API.example", api.cert(), api.key())
                .certificateFor("*.wild.example", wild.cert(), wild.key()).build()));
        TlsConfig.Builder trustingEvery = TlsConfig.client().trustPem(allTrusted);
        SecureBind a = connect(TlsConfig.client().trustPem(allTrusted).serverName("api.example").build(), "127.0.0.1", port);
        assertThat(subject(a)).isEqualTo("CN=api.example");
        assertThat(echo(a, "api")).isEqualTo("api");
        a.close();
        SecureBind w = connect(TlsConfig.client().trustPem(allTrusted).serverName("x.wild.example").build(), "127.0.0.1", port);
        assertThat(subject(w)).isEqualTo("CN=*.wild.example");
        w.close();
        SecureBind d = connect(trustingEvery.build(), "localhost", port);
        assertThat(subject(d)).isEqualTo("CN=localhost");
        d.close();
        // a wildcard names one label only: a.b.wild.example gets the default, whose name does not match
        assertThatThrownBy(() -> connect(TlsConfig.client().trustPem(allTrusted).serverName("a.b.wild.example").build(),
                "127.0.0.1", port)).hasMessageContaining("a.b.wild.example");
    }

    @Test
    void certificateForRefusesWhatIsNotAHostName() {
        assertThatThrownBy(() -> TlsConfig.server(main.cert(), main.key()).certificateFor("a.*.example", api.cert(), api.key()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("*.domain");
        assertThatThrownBy(() -> TlsConfig.client().certificateFor("api.example", api.cert(), api.key()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("server setting");
    }

    @Test
    void aReloadedCertificateServesNewConnectionsWhileOpenOnesGoOn() throws Exception {
        AtomicReference<TlsConfig> current = new AtomicReference<>(TlsConfig.server(main.cert(), main.key()).build());
        int port = echoServer(TlsTransport.server(Protocol.STREAM_SOCKET_TCP, current::get));
        TlsConfig client = TlsConfig.client().trustPem(allTrusted).build();
        SecureBind before = connect(client, "localhost", port);
        String firstSerial = ((X509Certificate) before.session().getPeerCertificates()[0]).getSerialNumber().toString(16);

        current.set(TlsConfig.server(renewed.cert(), renewed.key()).build()); // the reload
        SecureBind after = connect(client, "localhost", port);
        String secondSerial = ((X509Certificate) after.session().getPeerCertificates()[0]).getSerialNumber().toString(16);
        assertThat(secondSerial).as("a new connection gets the new certificate").isNotEqualTo(firstSerial);
        assertThat(echo(after, "two")).isEqualTo("two");
        assertThat(echo(before, "still")).as("the connection opened before the reload goes on").isEqualTo("still");
        before.close();
        after.close();
    }

    @Test
    void aSupplierIsCheckedWhenTheTransportIsMade() {
        assertThatThrownBy(() -> TlsTransport.server(Protocol.STREAM_SOCKET_TCP, () -> TlsConfig.client().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TlsConfig.server");
    }

    @Test
    void aReturningClientResumesItsSessionOverTls12() {
        int port = echoServer(TlsTransport.server(TlsConfig.server(main.cert(), main.key()).build()));
        TlsConfig client = TlsConfig.client().trustPem(main.cert()).protocols("TLSv1.2").build();
        SecureBind first = connect(client, "localhost", port);
        byte[] id = first.session().getId();
        assertThat(echo(first, "a")).isEqualTo("a");
        first.finish().block(Duration.ofSeconds(5));
        int resumed = 0;
        for (int i = 0; i < 5; i++) {
            SecureBind again = connect(client, "localhost", port);
            if (java.util.Arrays.equals(again.session().getId(), id)) {
                resumed++;
            }
            assertThat(echo(again, "b")).isEqualTo("b");
            again.finish().block(Duration.ofSeconds(5));
        }
        assertThat(resumed).as("abbreviated handshakes reusing the first session").isEqualTo(5);
        TlsConfig other = TlsConfig.client().trustPem(main.cert()).protocols("TLSv1.2").build();
        SecureBind stranger = connect(other, "localhost", port);
        assertThat(stranger.session().getId()).as("another client context has no session to resume").isNotEqualTo(id);
        stranger.close();
    }

    /**
     * {@code openssl s_client}'s interactive commands {@code k} (key update) and {@code K} (key
     * update, answer requested) in the middle of an echo: our engine must take the peer's new keys
     * and, for {@code K}, send its own KeyUpdate before the next record.
     */
    @Test
    void tls13KeyUpdatesMidStreamBothWays() throws Exception {
        OpensslInteropTest.requireTool(OpensslInteropTest.openssl(), "openssl");
        int port = echoServer(TlsTransport.server(TlsConfig.server(main.cert(), main.key()).build()));
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_3",
                "-CAfile", main.cert().toString(), "-verify_return_error", "-servername", "localhost", "-msg")
                .redirectErrorStream(true).start();
        // s_client drops the rest of a stdin read that starts with a command letter: each line waits
        // for the answer to the one before (the echo, or s_client's KEYUPDATE notice). A watchdog
        // ends s_client if something stalls, so the test fails instead of hanging.
        java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(p::destroyForcibly, 60, TimeUnit.SECONDS);
        try (OutputStream in = p.getOutputStream();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            String[][] script = {{"before-update", "before-update"}, {"k", "KEYUPDATE"}, {"after-k", "after-k"},
                {"K", "KEYUPDATE"}, {"after-K", "after-K"}, {"k", "KEYUPDATE"}, {"K", "KEYUPDATE"}, {"last", "last"}};
            for (String[] step : script) {
                in.write((step[0] + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                String l;
                while ((l = out.readLine()) != null && !l.equals(step[1])) {
                    seen.add(l);
                }
                assertThat(l).as("after sending %s, s_client said: %s", step[0], seen).isEqualTo(step[1]);
            }
            // -msg shows the messages s_client received: our KeyUpdate for each K (update requested).
            assertThat(seen.stream().filter(m -> m.startsWith("<<<") && m.contains("KeyUpdate")).count())
                    .as("KeyUpdates from our side; s_client said: %s", seen).isEqualTo(2);
        } finally {
            watchdog.shutdownNow();
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A TLS 1.3 server sends NewSessionTicket, and a returning {@code openssl s_client} resumes with
     * it, on both engines (Conscrypt's default is no tickets: before, nothing could resume there).
     */
    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"jdk", "conscrypt"})
    void tls13TicketsLetAReturningOpensslClientResume(String engine) throws Exception {
        OpensslInteropTest.requireTool(OpensslInteropTest.openssl(), "openssl");
        TlsConfig.Builder b = TlsConfig.server(main.cert(), main.key());
        int port = echoServer(TlsTransport.server((engine.equals("conscrypt") ? b.conscrypt() : b).build()));
        Path session = certs.resolve("session-" + engine + ".pem");
        List<String> first = echoOnce(port, "-sess_out", session);
        assertThat(first).as("first connection").anyMatch(l -> l.startsWith("New, TLSv1.3"));
        assertThat(session).as("s_client saved the ticket it got").isNotEmptyFile();
        List<String> second = echoOnce(port, "-sess_in", session);
        assertThat(second).as("returning connection").anyMatch(l -> l.startsWith("Reused, TLSv1.3"));
    }

    /**
     * Every way a connection ends leaves no armed timer behind on either loop (an armed handshake
     * or close-wait timer kept each closed bind, its engine and buffers in the timer heap until it
     * fired: ~45 KB a connection for the handshake timeout, seen as RSS growing by gigabytes under
     * {@code Connection: close} load). The timeout is long here, so only cancelling passes.
     */
    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"jdk", "conscrypt"})
    void closedConnectionsLeaveNoTimerBehind(String engine) throws Exception {
        TlsConfig.Builder sb = TlsConfig.server(main.cert(), main.key()).handshakeTimeout(Duration.ofMinutes(5));
        Listener l = Listener.listen(TlsTransport.server((engine.equals("conscrypt") ? sb.conscrypt() : sb).build()),
                Endpoint.inet("127.0.0.1", 0));
        listeners.add(l);
        java.util.Queue<Bind> served = new java.util.concurrent.ConcurrentLinkedQueue<>();
        l.attach(group.loop(1), bind -> {
            served.add(bind);
            bind.send(bind.receive()).subscribe(c -> bind.finish().subscribe(), e -> bind.close());
        });
        int port = l.port();
        TlsConfig.Builder cb = TlsConfig.client().trustPem(main.cert()).handshakeTimeout(Duration.ofMinutes(5));
        TlsConfig client = (engine.equals("conscrypt") ? cb.conscrypt() : cb).build();
        int[] before = {timers(0), timers(1)};
        int rounds = 60;
        for (int i = 0; i < rounds; i++) {
            switch (i % 3) {
                case 0 -> { // clean: close_notify both ways
                    SecureBind b = connect(client, "localhost", port);
                    assertThat(echo(b, "clean " + i)).isEqualTo("clean " + i);
                    b.finish().block(Duration.ofSeconds(10));
                }
                case 1 -> { // abrupt: the client closes without close_notify (the server sees a truncation)
                    SecureBind b = connect(client, "localhost", port);
                    assertThat(echo(b, "abrupt " + i)).isEqualTo("abrupt " + i);
                    b.close();
                    b.onClose().block(Duration.ofSeconds(10));
                }
                default -> { // mid-handshake: a TCP peer that sends half a ClientHello and goes
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00});
                        s.getOutputStream().flush();
                    }
                }
            }
        }
        // Wait for the counts to settle (the last raw socket may be accepted after a first look).
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int settled = 0; settled < 15 && System.nanoTime() - until < 0; Thread.sleep(20)) {
            settled = timers(0) > before[0] || timers(1) > before[1] ? 0 : settled + 1;
        }
        assertThat(new int[] {timers(0), timers(1)}).as("timers armed on loops 0 (clients) and 1 (server) after "
                + rounds + " connections ended").containsExactly(before);
        if (engine.equals("conscrypt")) {
            // Conscrypt frees its native SSL once both directions are done: every served bind's is
            // (looked up by reflection: Conscrypt has no public way to tell).
            java.lang.reflect.Field f = EngineBind.class.getDeclaredField("engine");
            f.setAccessible(true);
            assertThat(served).hasSizeGreaterThanOrEqualTo(rounds * 2 / 3).allSatisfy(bind -> {
                javax.net.ssl.SSLEngine e = (javax.net.ssl.SSLEngine) f.get(bind);
                Object target = e;
                try {
                    java.lang.reflect.Field d = e.getClass().getDeclaredField("delegate");
                    d.setAccessible(true);
                    target = d.get(e);
                } catch (NoSuchFieldException notWrapped) {
                    // the engine itself
                }
                java.lang.reflect.Field sslField = target.getClass().getDeclaredField("ssl");
                sslField.setAccessible(true);
                Object ssl = sslField.get(target);
                java.lang.reflect.Method isClosed = ssl.getClass().getDeclaredMethod("isClosed");
                isClosed.setAccessible(true);
                assertThat(e.isInboundDone() + " " + e.isOutboundDone() + " " + isClosed.invoke(ssl)).as("engine of %s closed both ways", bind.remoteAddress()).isEqualTo("true true true");
            });
        }
    }

    private int timers(int loop) {
        return Mono.fromCallable(() -> group.loop(loop).timersPending()).subscribeOn(group.loop(loop)).block(Duration.ofSeconds(5));
    }

    /** One s_client connection: sends a line, waits for its echo, closes; returns what s_client printed. */
    private List<String> echoOnce(int port, String sessionOption, Path session) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_3",
                "-CAfile", main.cert().toString(), "-verify_return_error", "-servername", "localhost",
                sessionOption, session.toString()).redirectErrorStream(true).start();
        java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(p::destroyForcibly, 30, TimeUnit.SECONDS);
        List<String> seen = new ArrayList<>();
        try (OutputStream in = p.getOutputStream();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            in.write("ticket-check\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            String l;
            while ((l = out.readLine()) != null && !l.equals("ticket-check")) {
                seen.add(l);
            }
            assertThat(l).as("the echo; s_client said: %s", seen).isEqualTo("ticket-check");
            in.close(); // s_client sends close_notify and exits; the ticket came right after the handshake
            while ((l = out.readLine()) != null) {
                seen.add(l);
            }
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            watchdog.shutdownNow();
            p.destroy();
        }
        return seen;
    }
}
