package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.core.tls.TlsConfig;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS: the server over TLS, reached by the JDK's HTTP client (HTTP/1.1 over ALPN) and by curl. */
class HttpsServerTest {
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;
    static DisposableHttpServer server;

    @BeforeAll
    static void start() throws Exception {
        cert = SelfSignedCertificate.create(dir, "https", "localhost", 2);
        server = HttpServer.create().secure(TlsConfig.server(cert.cert(), cert.key()).alpn("http/1.1").build())
                .route(TestRoutes::configure).bindNow();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.dispose();
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void theJdkClientGetsEveryRouteOverHttpsOnOneConnection() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(trusting(cert.cert()))
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 20; i++) {
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/users/" + i)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("user " + i);
            assertThat(r.sslSession()).get().extracting(javax.net.ssl.SSLSession::getProtocol).isEqualTo("TLSv1.3");
        }
        java.net.http.HttpResponse<String> chunked = client.send(java.net.http.HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + "/stream/3")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.body()).isEqualTo("chunk0;chunk1;chunk2;");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsAndTheServerGoesOn() throws Exception {
        java.net.http.HttpClient untrusting = java.net.http.HttpClient.newHttpClient();
        assertThatThrownBy(() -> untrusting.send(java.net.http.HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + "/hello")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(trusting(cert.cert())).build();
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/hello"))
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("Hello, World!");
    }

    @Test
    void curlWithTheCaCertificate() throws Exception {
        ExternalTools.requireCurl();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "20", "--cacert",
                cert.cert().toString(), "https://localhost:" + server.port() + "/hello",
                "https://localhost:" + server.port() + "/users/7"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("Hello, World!user 7");
    }
}
