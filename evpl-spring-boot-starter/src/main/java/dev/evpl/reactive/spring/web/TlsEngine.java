package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.tls.TlsConfig;

/**
 * Which TLS engine the starter's HTTPS server and its WebClient's SSL bundle use
 * ({@code evpl.tls.engine}). Immutable.
 */
public enum TlsEngine {
    /** The JDK's own {@code SSLEngine} (SunJSSE): always there. The default. */
    JDK,
    /**
     * Conscrypt's engine (BoringSSL): needs {@code org.conscrypt:conscrypt-openjdk-uber} on the
     * class path; without it, building the settings fails and says which artifact to add.
     */
    CONSCRYPT;

    /** {@code builder} set to use this engine; returns it. */
    public TlsConfig.Builder applyTo(TlsConfig.Builder builder) {
        return this == CONSCRYPT ? builder.conscrypt() : builder;
    }
}
