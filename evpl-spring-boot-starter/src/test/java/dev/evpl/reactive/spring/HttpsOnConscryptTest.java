package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.spring.app.TestApp;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code evpl.tls.engine=conscrypt}: the HTTPS server from {@code server.ssl.bundle} and the
 * WebClient's trust bundle both run on Conscrypt's engine (BoringSSL); the health indicator says so;
 * a 4 MiB upload and download keep their content; the JDK's own client (SunJSSE) is served too.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always",
        "server.ssl.bundle=web",
        "evpl.tls.engine=conscrypt",
        "evpl.http.client.ssl-bundle=web" })
class HttpsOnConscryptTest {
    static final SelfSignedCertificate CERT;

    static {
        try {
            CERT = SelfSignedCertificate.create(Files.createTempDirectory("evpl-boot-conscrypt"), "web", "localhost", 2);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void bundles(DynamicPropertyRegistry r) {
        r.add("spring.ssl.bundle.pem.web.keystore.certificate", () -> "file:" + CERT.cert());
        r.add("spring.ssl.bundle.pem.web.keystore.private-key", () -> "file:" + CERT.key());
        r.add("spring.ssl.bundle.pem.web.truststore.certificate", () -> "file:" + CERT.cert());
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    WebClient.Builder builder;

    private WebClient web() {
        return builder.clone().baseUrl("https://localhost:" + port).codecs(c -> c.defaultCodecs().maxInMemorySize(8 << 20)).build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void serverAndWebClientRunOnConscryptAndHealthSaysSo() {
        for (int i = 0; i < 10; i++) {
            assertThat(web().get().uri("/hello").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20)))
                    .isEqualTo("Hello, World!");
        }
        Map<String, Object> health = web().get().uri("/actuator/health").retrieve().bodyToMono(Map.class)
                .block(Duration.ofSeconds(20));
        Map<String, Object> evpl = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("evpl");
        Map<String, Object> tls = (Map<String, Object>) ((Map<String, Object>) evpl.get("details")).get("tls");
        assertThat((String) tls.get("engine")).startsWith("Conscrypt");
    }

    @Test
    @SuppressWarnings("unchecked")
    void fourMebibytesUpAndDownKeepTheirContent() throws Exception {
        byte[] data = new byte[4 << 20];
        new Random(11).nextBytes(data);
        Map<String, Object> up = web().post().uri("/upload").bodyValue(data).retrieve().bodyToMono(Map.class)
                .block(Duration.ofSeconds(30));
        assertThat(((Number) up.get("length")).longValue()).isEqualTo(data.length);
        assertThat(up.get("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        byte[] down = web().get().uri("/download?size=" + (4 << 20)).retrieve().bodyToMono(byte[].class)
                .block(Duration.ofSeconds(30));
        assertThat(down).hasSize(4 << 20);
        for (int i = 0; i < down.length; i += 4093) {
            assertThat(down[i]).as("byte %d", i).isEqualTo(TestApp.pattern(i));
        }
    }

    @Test
    void theJdkClientIsServedByTheConscryptServer() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = Files.newInputStream(CERT.cert())) {
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().sslContext(ctx).build();
        java.net.http.HttpResponse<String> r = jdk.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("https://localhost:" + port + "/items/7?quantity=2")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"id\":\"7\"");
    }
}
