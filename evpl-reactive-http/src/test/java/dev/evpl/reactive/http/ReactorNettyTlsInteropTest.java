package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.core.tls.TlsConfig;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.resources.ConnectionProvider;

/**
 * HTTPS both ways with Reactor Netty (its JDK-provider {@code SslHandler}): its secure client against
 * our TLS server, and our client against its secure server, each with the other's trust settings
 * (certificate PEM, host name verified); each with our side on the JDK's engine and on Conscrypt's.
 */
class ReactorNettyTlsInteropTest {
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;
    static DisposableHttpServer ours;
    static DisposableHttpServer oursOnConscrypt;
    static DisposableServer theirs;
    static ConnectionProvider pool;

    @BeforeAll
    static void start() throws Exception {
        cert = SelfSignedCertificate.create(dir, "rn-tls", "localhost", 2);
        ours = HttpServer.create().secure(TlsConfig.server(cert.cert(), cert.key()).alpn("http/1.1").build())
                .route(TestRoutes::configure).bindNow();
        oursOnConscrypt = HttpServer.create().secure(TlsConfig.server(cert.cert(), cert.key()).conscrypt().alpn("http/1.1").build())
                .route(TestRoutes::configure).bindNow();
        theirs = reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(cert.cert().toFile(), cert.key().toFile())))
                .route(r -> r.get("/hello", (req, res) -> res.sendString(Mono.just("Hello, World!")))
                        .post("/echo", (req, res) -> res.send(req.receive().retain())))
                .bindNow();
        pool = ConnectionProvider.builder("tls-interop").maxConnections(1).build();
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.disposeLater().block(Duration.ofSeconds(5));
        }
        if (theirs != null) {
            theirs.disposeNow(Duration.ofSeconds(5));
        }
        if (ours != null) {
            ours.disposeNow(Duration.ofSeconds(2));
        }
        if (oursOnConscrypt != null) {
            oursOnConscrypt.disposeNow(Duration.ofSeconds(2));
        }
    }

    private static reactor.netty.http.client.HttpClient theirClient() {
        return reactor.netty.http.client.HttpClient.create(pool)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forClient()
                        .configure(b -> b.trustManager(cert.cert().toFile()))))
                .responseTimeout(Duration.ofSeconds(20));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "our engine {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"jdk", "conscrypt"})
    void reactorNettysSecureClientAgainstOurServerReusesItsConnection(String engine) {
        DisposableHttpServer ours = engine.equals("conscrypt") ? oursOnConscrypt : ReactorNettyTlsInteropTest.ours;
        reactor.netty.http.client.HttpClient client = theirClient();
        for (int i = 0; i < 20; i++) {
            String body = client.get().uri("https://localhost:" + ours.port() + "/users/" + i)
                    .responseSingle((res, content) -> {
                        assertThat(res.status().code()).isEqualTo(200);
                        return content.asString();
                    }).block(Duration.ofSeconds(20));
            assertThat(body).isEqualTo("user " + i);
        }
        assertThat(ours.connectionCount()).isLessThanOrEqualTo(1);
        byte[] data = random(4 << 20);
        byte[] echoed = client.post().uri("https://localhost:" + ours.port() + "/echo")
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(data)))
                .responseSingle((res, content) -> content.asByteArray()).block(Duration.ofSeconds(30));
        assertThat(echoed).isEqualTo(data);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "our engine {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"jdk", "conscrypt"})
    void ourClientAgainstReactorNettysSecureServer(String engine) {
        TlsConfig.Builder tls = TlsConfig.client().trustPem(cert.cert()).alpn("http/1.1");
        HttpClient client = HttpClient.create().maxConnections(1)
                .secure((engine.equals("conscrypt") ? tls.conscrypt() : tls).build());
        try {
            for (int i = 0; i < 20; i++) {
                HttpClientResponse r = client.get("https://localhost:" + theirs.port() + "/hello").block(Duration.ofSeconds(20));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString().block(Duration.ofSeconds(20))).isEqualTo("Hello, World!");
            }
            byte[] data = random(4 << 20);
            HttpClientResponse r = client.request(HttpMethods.POST, "https://localhost:" + theirs.port() + "/echo", null, data)
                    .block(Duration.ofSeconds(20));
            assertThat(r.bodyAsBytes().block(Duration.ofSeconds(30))).isEqualTo(data);
        } finally {
            client.dispose();
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
