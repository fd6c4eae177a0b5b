package dev.evpl.reactive.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.HttpHandler;
import reactor.core.publisher.Mono;

/** The factory's {@code server.ssl}: key material, certificates by SNI name, client authentication, errors. */
class ServerSslTest {
    @TempDir
    static Path dir;
    static SelfSignedCertificate main;
    static SelfSignedCertificate api;
    static SelfSignedCertificate clientCert;

    private static final HttpHandler WHO = (request, response) -> {
        String who = request.getSslInfo() == null || request.getSslInfo().getPeerCertificates() == null ? "anonymous"
                : request.getSslInfo().getPeerCertificates()[0].getSubjectX500Principal().getName();
        DataBuffer b = response.bufferFactory().wrap(who.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(b));
    };

    private final EventLoopGroup loops = EventLoopGroup.create(1);
    private WebServer server;

    @BeforeAll
    static void certificates() throws Exception {
        main = SelfSignedCertificate.create(dir, "main", "localhost", 2);
        api = SelfSignedCertificate.create(dir, "api", "api.example", 2);
        clientCert = SelfSignedCertificate.create(dir, "client", "client.example", 2);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        loops.close();
    }

    private static SslBundle pem(SelfSignedCertificate c, SelfSignedCertificate trusted) {
        PemSslStoreDetails key = PemSslStoreDetails.forCertificate("file:" + c.cert()).withPrivateKey("file:" + c.key());
        PemSslStoreDetails trust = trusted == null ? null : PemSslStoreDetails.forCertificate("file:" + trusted.cert());
        return SslBundle.of(new PemSslStoreBundle(key, trust));
    }

    private EvplReactiveWebServerFactory factory(Ssl ssl, DefaultSslBundleRegistry bundles) {
        EvplReactiveWebServerFactory f = new EvplReactiveWebServerFactory(loops);
        f.setPort(0);
        f.setSsl(ssl);
        f.setSslBundles(bundles);
        return f;
    }

    @Test
    void serverNameBundlesPickTheCertificateBySni() throws Exception {
        DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();
        bundles.registerBundle("main", pem(main, null));
        bundles.registerBundle("api", pem(api, null));
        Ssl ssl = Ssl.forBundle("main");
        ssl.setServerNameBundles(List.of(new Ssl.ServerNameSslBundle("api.example", "api")));
        server = factory(ssl, bundles).getWebServer(WHO);
        server.start();
        assertThat(peerName(null, "api.example")).isEqualTo("CN=api.example");
        assertThat(peerName(null, null)).isEqualTo("CN=localhost");
    }

    @Test
    void clientAuthNeedAcceptsATrustedClientCertificateAndRefusesNone() throws Exception {
        DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();
        bundles.registerBundle("mtls", pem(main, clientCert));
        Ssl ssl = Ssl.forBundle("mtls");
        ssl.setClientAuth(Ssl.ClientAuth.NEED);
        server = factory(ssl, bundles).getWebServer(WHO);
        server.start();
        assertThat(get(clientCert)).isEqualTo("CN=client.example");
        assertThatThrownBy(() -> get(null)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aMissingBundleIsAStartUpErrorNamingIt() {
        Ssl ssl = Ssl.forBundle("nope");
        assertThatThrownBy(() -> factory(ssl, new DefaultSslBundleRegistry()).getWebServer(WHO))
                .isInstanceOf(WebServerException.class).hasMessageContaining("server.ssl").hasMessageContaining("nope");
    }

    /** A TLS 1.3 request as the JDK's socket makes it; {@code identity}: a client certificate to present. */
    private String get(SelfSignedCertificate identity) throws Exception {
        try (SSLSocket s = (SSLSocket) context(identity).getSocketFactory().createSocket("localhost", server.getPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (response.isEmpty()) {
                throw new java.io.IOException("connection closed without a response");
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private String peerName(SelfSignedCertificate identity, String sni) throws Exception {
        try (SSLSocket s = (SSLSocket) context(identity).getSocketFactory().createSocket("127.0.0.1", server.getPort())) {
            if (sni != null) {
                SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName(sni)));
                s.setSSLParameters(p);
            }
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private static SSLContext context(SelfSignedCertificate identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (SelfSignedCertificate c : List.of(main, api)) {
            try (InputStream in = Files.newInputStream(c.cert())) {
                trust.setCertificateEntry("ca" + i++, CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            SslBundle b = pem(identity, null);
            kmf = b.getManagers().getKeyManagerFactory();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
