package dev.evpl.reactive.core.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings of one side of a connection: its identity (certificate chain and key), whom it
 * trusts, client authentication, protocol versions, cipher suites, ALPN, the server name, the
 * handshake timeout. Immutable and thread-safe; build with {@link #server} or {@link #client}.
 * The {@link SSLContext} is made once, when {@link Builder#build()} runs (it reads the files).
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><th>setting</th><th>default</th><th>allowed</th></tr>
 * <tr><td>protocols</td><td>TLSv1.3, TLSv1.2</td><td>names the JDK knows</td></tr>
 * <tr><td>cipherSuites</td><td>the JDK's enabled ones</td><td>names the JDK knows</td></tr>
 * <tr><td>trust</td><td>the JDK's system trust store</td><td>system, PEM file, {@code insecureTrustAll}</td></tr>
 * <tr><td>clientAuth</td><td>NONE</td><td>NONE, OPTIONAL, REQUIRE</td></tr>
 * <tr><td>alpn</td><td>none</td><td>protocol names, e.g. {@code http/1.1}</td></tr>
 * <tr><td>handshakeTimeout</td><td>10 s</td><td>1 ms … 10 min</td></tr>
 * <tr><td>verifyHostname (client)</td><td>true</td><td>true, false</td></tr>
 * <tr><td>certificates by SNI name (server)</td><td>none: one certificate</td><td>host names, {@code *.domain} wildcards</td></tr>
 * </table>
 *
 * <p>To change a server's certificate without a restart, build a new config and hand it to the
 * listening side through {@link TlsTransport#server(dev.evpl.reactive.core.bind.Protocol,
 * java.util.function.Supplier)}: connections accepted after that use it.
 */
public final class TlsConfig {
    /** Client authentication a server asks for. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** Asked for; a client without one is still accepted. */
        OPTIONAL,
        /** Required: a client without a trusted certificate fails the handshake. */
        REQUIRE
    }

    private final boolean client;
    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final ClientAuth clientAuth;
    private final List<String> alpn;
    private final String serverName;
    private final boolean verifyHostname;
    private final Duration handshakeTimeout;
    private final boolean insecure;

    private TlsConfig(Builder b, SSLContext context) {
        this.client = b.client;
        this.context = context;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.clientAuth = b.clientAuth;
        this.alpn = b.alpn;
        this.serverName = b.serverName;
        this.verifyHostname = b.verifyHostname;
        this.handshakeTimeout = b.handshakeTimeout;
        this.insecure = b.trust == Trust.INSECURE;
    }

    /** A server's settings: its certificate chain and private key in PEM files (the key in PKCS#8). */
    public static Builder server(Path certificateChainPem, Path privateKeyPem) {
        Builder b = new Builder(false);
        b.certificatePem = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        b.keyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        return b;
    }

    /** A server's settings from a key manager factory (a {@code KeyStore} loaded by the application). */
    public static Builder server(KeyManagerFactory keyManagers) {
        Builder b = new Builder(false);
        b.keyManagers = Objects.requireNonNull(keyManagers, "keyManagers");
        return b;
    }

    /** A client's settings: the system trust store and host-name verification unless changed. */
    public static Builder client() {
        return new Builder(true);
    }

    /** Whether these are a client's settings. */
    public boolean isClient() {
        return client;
    }

    /** The handshake's time limit. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The ALPN protocols offered (client) or accepted in preference order (server); empty: no ALPN. */
    public List<String> alpn() {
        return alpn;
    }

    /** The engine's provider and its version, e.g. {@code "SunJSSE 17"}. */
    public String engineProvider() {
        java.security.Provider p = context.getProvider();
        return p.getName() + " " + p.getVersionStr();
    }

    /** The enabled protocol versions, in preference order. */
    public List<String> protocols() {
        return protocols;
    }

    /** The client authentication a server asks for ({@code NONE} for a client). */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** Whether every server certificate is trusted ({@link Builder#insecureTrustAll()}: tests only). */
    public boolean isInsecure() {
        return insecure;
    }

    /**
     * A new engine for one connection. {@code peerHost}/{@code peerPort}: the server's name and
     * port (client: SNI, host-name verification and session resumption key), may be null/-1.
     */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        String host = serverName != null ? serverName : peerHost;
        SSLEngine engine = client && host != null ? context.createSSLEngine(host, peerPort) : context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols.toArray(String[]::new));
        if (!cipherSuites.isEmpty()) {
            p.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        if (!alpn.isEmpty()) {
            p.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        if (client) {
            if (host != null && isHostName(host)) {
                p.setServerNames(List.of(new SNIHostName(host)));
            }
            if (verifyHostname && !insecure && host != null) { // unix and in-process peers have no host name
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
        } else {
            p.setNeedClientAuth(clientAuth == ClientAuth.REQUIRE);
            if (clientAuth == ClientAuth.OPTIONAL) {
                p.setWantClientAuth(true);
            }
        }
        engine.setSSLParameters(p);
        Conscrypt.enableSessionTickets(engine);
        return engine;
    }

    private static boolean isHostName(String host) {
        // SNI carries names, not IP literals (RFC 6066 section 3).
        return !host.isEmpty() && !Character.isDigit(host.charAt(host.length() - 1)) && host.indexOf(':') < 0;
    }

    private enum Trust { SYSTEM, PEM, INSECURE, FACTORY }

    /**
     * The engines' random source: a DRBG seeded here, off the loops. The default (NativePRNG)
     * reads /dev/urandom through a FileInputStream in the middle of a handshake, a file read on a
     * loop thread; a DRBG draws from its seed and reseeds only after 2^48 requests.
     */
    private static java.security.SecureRandom loopSafeRandom() throws GeneralSecurityException {
        java.security.SecureRandom random = java.security.SecureRandom.getInstance("DRBG");
        random.nextBytes(new byte[16]); // seeds now
        return random;
    }

    /** Builds a {@link TlsConfig}; not thread-safe. */
    public static final class Builder {
        private final boolean client;
        private Path certificatePem;
        private Path keyPem;
        private KeyManagerFactory keyManagers;
        private Trust trust = Trust.SYSTEM;
        private Path trustPem;
        private TrustManagerFactory trustManagers;
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        private List<String> cipherSuites = List.of();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> alpn = List.of();
        private String serverName;
        private boolean verifyHostname = true;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private java.security.Provider provider;
        private final java.util.Map<String, KeyManagerFactory> byServerName = new java.util.LinkedHashMap<>();

        private Builder(boolean client) {
            this.client = client;
        }

        /** Trusts the CA certificates in a PEM file (instead of the system store). */
        public Builder trustPem(Path caCertificatesPem) {
            this.trustPem = Objects.requireNonNull(caCertificatesPem, "caCertificatesPem");
            this.trust = Trust.PEM;
            return this;
        }

        /** Trusts what {@code factory} trusts. */
        public Builder trustManagers(TrustManagerFactory factory) {
            this.trustManagers = Objects.requireNonNull(factory, "factory");
            this.trust = Trust.FACTORY;
            return this;
        }

        /**
         * Trusts every certificate and verifies no host name: anyone in the path can read and
         * change the traffic. For tests against throw-away certificates only.
         */
        public Builder insecureTrustAll() {
            this.trust = Trust.INSECURE;
            return this;
        }

        /** Protocol versions, e.g. {@code "TLSv1.3"}; at least one. */
        public Builder protocols(String... names) {
            if (names.length == 0) {
                throw new IllegalArgumentException("protocols: at least one, e.g. TLSv1.3");
            }
            this.protocols = List.of(names);
            return this;
        }

        /** Cipher suites in preference order; none given: the JDK's enabled ones. */
        public Builder cipherSuites(String... names) {
            this.cipherSuites = List.of(names);
            return this;
        }

        /** Client authentication (server side). */
        public Builder clientAuth(ClientAuth mode) {
            if (client) {
                throw new IllegalStateException("clientAuth is a server setting");
            }
            this.clientAuth = Objects.requireNonNull(mode, "clientAuth");
            return this;
        }

        /** The client's own certificate for mutual TLS (PEM chain and PKCS#8 key). */
        public Builder identity(Path certificateChainPem, Path privateKeyPem) {
            this.certificatePem = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            this.keyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            return this;
        }

        /** The client's own certificate for mutual TLS from a key manager factory. */
        public Builder identity(KeyManagerFactory keyManagers) {
            this.keyManagers = Objects.requireNonNull(keyManagers, "keyManagers");
            return this;
        }

        /** ALPN protocols, e.g. {@code "h2", "http/1.1"}. */
        public Builder alpn(String... protocolNames) {
            this.alpn = List.of(protocolNames);
            return this;
        }

        /** Client: the name sent in SNI and verified against the certificate (default: the host connected to). */
        public Builder serverName(String name) {
            if (!client) {
                throw new IllegalStateException("serverName is a client setting");
            }
            this.serverName = Objects.requireNonNull(name, "serverName");
            return this;
        }

        /** Client: whether the server certificate must name the host (default true). */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /** Time allowed for the handshake, 1 ms to 10 min (default 10 s). */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("handshakeTimeout must be between 1 ms and 10 min, got " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Server: the certificate for clients that ask for {@code hostName} in SNI (exact, case
         * insensitive, or a {@code *.domain} wildcard matching one label); others get the default one.
         */
        public Builder certificateFor(String hostName, Path certificateChainPem, Path privateKeyPem) {
            try {
                KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                f.init(PemFiles.keyStore(certificateChainPem, privateKeyPem), PemFiles.PASSWORD);
                return certificateFor(hostName, f);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("TLS certificate for " + hostName + ": " + e.getMessage(), e);
            }
        }

        /** Server: like {@link #certificateFor(String, Path, Path)}, from a key manager factory. */
        public Builder certificateFor(String hostName, KeyManagerFactory keyManagers) {
            if (client) {
                throw new IllegalStateException("certificateFor is a server setting");
            }
            Objects.requireNonNull(keyManagers, "keyManagers");
            if (hostName == null || hostName.isBlank() || hostName.indexOf('*', 1) >= 0 || hostName.startsWith("*") && !hostName.startsWith("*.")) {
                throw new IllegalArgumentException("certificateFor needs a host name or a *.domain wildcard, got '" + hostName + "'");
            }
            byServerName.put(hostName.toLowerCase(java.util.Locale.ROOT), keyManagers);
            return this;
        }

        /**
         * The engine's provider (default: the JDK's SunJSSE), e.g. {@code Conscrypt.newProvider()};
         * see {@link #conscrypt()}.
         */
        public Builder provider(java.security.Provider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Engines from Conscrypt (BoringSSL through JNI, {@code org.conscrypt:conscrypt-openjdk-uber}
         * on the class path): faster handshakes than the JDK's. Fails with a message naming the
         * artifact when it is not there, or when its native library does not load here.
         */
        public Builder conscrypt() {
            return provider(Conscrypt.provider());
        }

        /** Reads the key and trust material and makes the context. */
        public TlsConfig build() {
            try {
                javax.net.ssl.KeyManager[] km = null;
                if (keyManagers != null) {
                    km = keyManagers.getKeyManagers();
                } else if (certificatePem != null && Conscrypt.is(provider)) {
                    km = new javax.net.ssl.KeyManager[] {PemKeyManager.of(certificatePem, keyPem, provider)};
                } else if (certificatePem != null) {
                    KeyStore ks = PemFiles.keyStore(certificatePem, keyPem);
                    KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    f.init(ks, PemFiles.PASSWORD);
                    km = f.getKeyManagers();
                }
                if (!byServerName.isEmpty()) {
                    km = new javax.net.ssl.KeyManager[] {SniKeyManager.of(km, byServerName)};
                }
                TrustManager[] tm = switch (trust) {
                    case SYSTEM -> null;
                    case FACTORY -> trustManagers.getTrustManagers();
                    case INSECURE -> new TrustManager[] {new InsecureTrustAll()};
                    case PEM -> {
                        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                        f.init(PemFiles.trustStore(trustPem));
                        yield f.getTrustManagers();
                    }
                };
                SSLContext ctx = provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
                ctx.init(km, tm, loopSafeRandom());
                return new TlsConfig(this, ctx);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("TLS settings: " + e.getMessage(), e);
            }
        }
    }
}
