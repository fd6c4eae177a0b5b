package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.spring.app.TestApp;
import dev.evpl.reactive.spring.web.EvplReactiveWebServerFactory;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * HTTPS from Boot's own properties: {@code server.ssl.bundle} names a PEM bundle that Boot reloads
 * on change; the context's WebClient (on the evpl client) trusts a second bundle through
 * {@code evpl.http.client.ssl-bundle}. Also reached by the JDK's client and a raw SSLSocket.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always",
        "server.ssl.bundle=web",
        "spring.ssl.bundle.pem.web.reload-on-update=true",
        "spring.ssl.bundle.watch.file.quiet-period=200ms",
        "evpl.http.client.ssl-bundle=trusted" })
class HttpsOnEvplTest {
    static final Path DIR;
    static final SelfSignedCertificate FIRST;
    static final SelfSignedCertificate SECOND;
    static final Path LIVE_CERT;
    static final Path LIVE_KEY;
    static final Path TRUSTED;

    static {
        try {
            DIR = Files.createTempDirectory("evpl-boot-tls");
            FIRST = SelfSignedCertificate.create(DIR, "first", "localhost", 2);
            SECOND = SelfSignedCertificate.create(DIR, "second", "localhost", 2);
            LIVE_CERT = DIR.resolve("live-cert.pem");
            LIVE_KEY = DIR.resolve("live-key.pem");
            Files.copy(FIRST.cert(), LIVE_CERT);
            Files.copy(FIRST.key(), LIVE_KEY);
            TRUSTED = DIR.resolve("trusted.pem");
            Files.writeString(TRUSTED, Files.readString(FIRST.cert()) + Files.readString(SECOND.cert()));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void bundles(DynamicPropertyRegistry r) {
        r.add("spring.ssl.bundle.pem.web.keystore.certificate", () -> "file:" + LIVE_CERT);
        r.add("spring.ssl.bundle.pem.web.keystore.private-key", () -> "file:" + LIVE_KEY);
        r.add("spring.ssl.bundle.pem.trusted.truststore.certificate", () -> "file:" + TRUSTED);
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    WebClient.Builder builder;

    @Autowired
    EvplReactiveWebServerFactory factory;

    @Test
    void webClientOnEvplGetsHttpsWithTheTrustBundleAndWebFluxSeesTheSession() {
        WebClient web = builder.clone().baseUrl("https://localhost:" + port).build();
        for (int i = 0; i < 10; i++) {
            assertThat(web.get().uri("/hello").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20)))
                    .isEqualTo("Hello, World!");
        }
        assertThat(web.get().uri("/tls").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20)))
                .isEqualTo("https session with id");
    }

    @Test
    void theJdkClientTrustingTheCertificate() throws Exception {
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().sslContext(trusting(TRUSTED)).build();
        java.net.http.HttpResponse<String> r = jdk.send(java.net.http.HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/items/7?quantity=2")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"id\":\"7\"");
        assertThat(r.sslSession()).get().extracting(javax.net.ssl.SSLSession::getProtocol).isEqualTo("TLSv1.3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthReportsTheEngineAndKernelTls() {
        Map<String, Object> health = builder.clone().baseUrl("https://localhost:" + port).build()
                .get().uri("/actuator/health").retrieve().bodyToMono(Map.class).block(Duration.ofSeconds(20));
        Map<String, Object> evpl = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("evpl");
        Map<String, Object> tls = (Map<String, Object>) ((Map<String, Object>) evpl.get("details")).get("tls");
        assertThat((String) tls.get("engine")).startsWith("SunJSSE");
        assertThat((String) tls.get("kernelTls")).contains("records are sealed in Java");
        assertThat(tls.get("clientAuth")).isEqualTo("NONE");
    }

    /** Boot's file watcher sees new PEM files; evpl serves the new certificate to new connections, without a restart. */
    @Test
    void aReloadedBundleServesTheNewCertificate() throws Exception {
        BigInteger first = serial();
        BigInteger second;
        try {
            Path tmpCert = DIR.resolve("swap-cert.pem");
            Path tmpKey = DIR.resolve("swap-key.pem");
            Files.copy(SECOND.cert(), tmpCert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(SECOND.key(), tmpKey, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmpKey, LIVE_KEY, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpCert, LIVE_CERT, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                Thread.sleep(100);
                second = serial();
            } while (second.equals(first) && System.nanoTime() < deadline);
        } finally {
            Files.copy(FIRST.cert(), LIVE_CERT, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(FIRST.key(), LIVE_KEY, StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(second).as("the certificate after the reload").isNotEqualTo(first);
        assertThat(factory.getTlsConfigs()).hasSize(1);
    }

    private BigInteger serial() throws Exception {
        try (SSLSocket s = (SSLSocket) trusting(TRUSTED).getSocketFactory().createSocket("localhost", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(pem)) {
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
