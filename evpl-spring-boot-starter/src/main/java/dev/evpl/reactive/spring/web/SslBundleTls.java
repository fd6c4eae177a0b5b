package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.tls.TlsConfig;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.web.server.Ssl;

/**
 * Spring Boot SSL bundles ({@code spring.ssl.bundle.*}, or {@code server.ssl.*} made into one) as
 * evpl {@link TlsConfig}s: the bundle's key and trust managers (its key alias applied by Boot), its
 * enabled protocols and ciphers, and for a server the client authentication and the certificates
 * by SNI name ({@code server.ssl.server-name-bundles}). ALPN offers {@code http/1.1}.
 *
 * <p>Stateless; the methods build a new config each call (they read no files themselves: Boot's
 * bundle did), and may be called from any thread.
 */
public final class SslBundleTls {
    private SslBundleTls() {
    }

    /**
     * A server config from {@code bundle}; {@code clientAuth} may be null (none); {@code byServerName}
     * maps SNI host names to the bundles to serve them with (may be empty).
     */
    public static TlsConfig server(SslBundle bundle, Ssl.ClientAuth clientAuth, Map<String, SslBundle> byServerName) {
        return server(bundle, clientAuth, byServerName, TlsEngine.JDK);
    }

    /** As {@link #server(SslBundle, Ssl.ClientAuth, Map)}, on {@code engine}. */
    public static TlsConfig server(SslBundle bundle, Ssl.ClientAuth clientAuth, Map<String, SslBundle> byServerName,
            TlsEngine engine) {
        Objects.requireNonNull(bundle, "bundle");
        TlsConfig.Builder b = engine.applyTo(TlsConfig.server(bundle.getManagers().getKeyManagerFactory())).alpn("http/1.1");
        TlsConfig.ClientAuth auth = clientAuth == null ? TlsConfig.ClientAuth.NONE : switch (clientAuth) {
            case NONE -> TlsConfig.ClientAuth.NONE;
            case WANT -> TlsConfig.ClientAuth.OPTIONAL;
            case NEED -> TlsConfig.ClientAuth.REQUIRE;
        };
        b.clientAuth(auth);
        if (auth != TlsConfig.ClientAuth.NONE) {
            b.trustManagers(bundle.getManagers().getTrustManagerFactory());
        }
        options(b, bundle.getOptions());
        for (Map.Entry<String, SslBundle> e : byServerName.entrySet()) {
            b.certificateFor(e.getKey(), e.getValue().getManagers().getKeyManagerFactory());
        }
        return b.build();
    }

    /** A client config trusting what {@code bundle} trusts and presenting its key, if it has one (mutual TLS). */
    public static TlsConfig client(SslBundle bundle) {
        return client(bundle, TlsEngine.JDK);
    }

    /** As {@link #client(SslBundle)}, on {@code engine}. */
    public static TlsConfig client(SslBundle bundle, TlsEngine engine) {
        Objects.requireNonNull(bundle, "bundle");
        TlsConfig.Builder b = engine.applyTo(TlsConfig.client()).alpn("http/1.1")
                .trustManagers(bundle.getManagers().getTrustManagerFactory());
        if (bundle.getStores() != null && bundle.getStores().getKeyStore() != null) {
            b.identity(bundle.getManagers().getKeyManagerFactory());
        }
        options(b, bundle.getOptions());
        return b.build();
    }

    private static void options(TlsConfig.Builder b, SslOptions options) {
        if (options == null) {
            return;
        }
        if (options.getEnabledProtocols() != null && options.getEnabledProtocols().length > 0) {
            b.protocols(options.getEnabledProtocols());
        }
        if (options.getCiphers() != null && options.getCiphers().length > 0) {
            b.cipherSuites(options.getCiphers());
        }
    }
}
