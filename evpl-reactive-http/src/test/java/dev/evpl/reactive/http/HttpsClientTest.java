package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.core.tls.TlsConfig;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** Our client over HTTPS against our TLS server: pooling, bodies both ways, trust and host-name failures. */
class HttpsClientTest {
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;
    static SelfSignedCertificate otherName;
    static DisposableHttpServer server;
    static DisposableHttpServer plain;
    static DisposableHttpServer misnamed;

    @BeforeAll
    static void start() throws Exception {
        cert = SelfSignedCertificate.create(dir, "https", "localhost", 2);
        otherName = SelfSignedCertificate.create(dir, "other", "other.example", 2);
        server = HttpServer.create().secure(TlsConfig.server(cert.cert(), cert.key()).alpn("http/1.1").build())
                .route(HttpsClientTest::routes).bindNow();
        plain = HttpServer.create().route(HttpsClientTest::routes).bindNow();
        misnamed = HttpServer.create().secure(TlsConfig.server(otherName.cert(), otherName.key()).build())
                .route(HttpsClientTest::routes).bindNow();
    }

    private static void routes(HttpServerRoutes r) {
        TestRoutes.configure(r);
        r.get("/peer", (req, res) -> res.sendString(String.valueOf(req.remoteAddress())));
    }

    @AfterAll
    static void stop() {
        for (DisposableHttpServer s : new DisposableHttpServer[] {server, plain, misnamed}) {
            if (s != null) {
                s.disposeNow(Duration.ofSeconds(2));
            }
        }
    }

    private static HttpClient trusting() {
        return HttpClient.create().secure(TlsConfig.client().trustPem(cert.cert()).alpn("http/1.1").build());
    }

    private static String body(HttpClient client, String url) {
        HttpClientResponse r = client.get(url).block(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(200);
        return r.bodyAsString().block(Duration.ofSeconds(20));
    }

    @Test
    void sequentialRequestsReuseOnePooledTlsConnection() {
        HttpClient client = trusting().maxConnections(1);
        try {
            Set<String> peers = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                assertThat(body(client, "https://localhost:" + server.port() + "/users/" + i)).isEqualTo("user " + i);
                peers.add(body(client, "https://localhost:" + server.port() + "/peer"));
            }
            assertThat(peers).as("one TLS connection (one handshake) served every request").hasSize(1);
        } finally {
            client.dispose();
        }
    }

    @Test
    void plainAndTlsConnectionsArePooledApart() {
        HttpClient client = trusting().maxConnections(1);
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(body(client, "http://localhost:" + plain.port() + "/hello")).isEqualTo("Hello, World!");
                assertThat(body(client, "https://localhost:" + server.port() + "/hello")).isEqualTo("Hello, World!");
            }
            // a TLS request to the plain server's port must not find a plain pooled connection
            assertThatThrownBy(() -> client.get("https://localhost:" + plain.port() + "/hello").block(Duration.ofSeconds(20)))
                    .isInstanceOf(HttpException.class).hasMessageContaining("cannot connect");
        } finally {
            client.dispose();
        }
    }

    @Test
    void bodiesBothWaysOverTls() throws Exception {
        HttpClient client = trusting();
        try {
            byte[] data = new byte[3 << 20];
            new Random(7).nextBytes(data);
            HttpClientResponse r = client.request(HttpMethods.POST, "https://127.0.0.1:" + server.port() + "/echo", null, data)
                    .block(Duration.ofSeconds(20));
            assertThat(r.bodyAsBytes().block(Duration.ofSeconds(20))).isEqualTo(data);

            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            Flux<dev.evpl.reactive.core.buffer.Segment> streamed = Flux.range(0, 200).map(i -> {
                byte[] chunk = new byte[10_000];
                new Random(i).nextBytes(chunk);
                sent.update(chunk);
                return TestRoutes.OFF_LOOP.get().copyOf(chunk);
            });
            String inspected = client.request(HttpMethods.POST, "https://localhost:" + server.port() + "/inspect", null, streamed)
                    .flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(20));
            assertThat(inspected).contains("\"bodyLength\":2000000")
                    .contains("\"bodySha256\":\"" + HexFormat.of().formatHex(sent.digest()) + "\"");
        } finally {
            client.dispose();
        }
    }

    @Test
    void theDefaultTrustRefusesASelfSignedServerAndTheServerGoesOn() {
        HttpClient client = HttpClient.create();
        try {
            assertThatThrownBy(() -> client.get("https://localhost:" + server.port() + "/hello").block(Duration.ofSeconds(20)))
                    .isInstanceOf(HttpException.class).hasMessageContaining("cannot connect to localhost:" + server.port())
                    .cause().isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
        } finally {
            client.dispose();
        }
        HttpClient good = trusting();
        try {
            assertThat(body(good, "https://localhost:" + server.port() + "/hello")).isEqualTo("Hello, World!");
        } finally {
            good.dispose();
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        HttpClient client = HttpClient.create().secure(TlsConfig.client().trustPem(otherName.cert()).build());
        try {
            assertThatThrownBy(() -> client.get("https://localhost:" + misnamed.port() + "/hello").block(Duration.ofSeconds(20)))
                    .isInstanceOf(HttpException.class).cause().isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("localhost");
            // the same certificate names 127.0.0.1 too: reached by that address it is accepted
            assertThat(body(client, "https://127.0.0.1:" + misnamed.port() + "/hello")).isEqualTo("Hello, World!");
        } finally {
            client.dispose();
        }
    }

    @Test
    void insecureTrustAllIsAvailableForTests() {
        HttpClient client = HttpClient.create().secure(TlsConfig.client().insecureTrustAll().build());
        try {
            assertThat(body(client, "https://localhost:" + misnamed.port() + "/hello")).isEqualTo("Hello, World!");
        } finally {
            client.dispose();
        }
    }

    @Test
    void aServerConfigIsRefusedWithAMessage() {
        assertThatThrownBy(() -> HttpClient.create().secure(TlsConfig.server(cert.cert(), cert.key()).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TlsConfig.client()");
        assertThatThrownBy(() -> HttpClient.create().get("ftp://localhost/x").block(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://host");
    }
}
