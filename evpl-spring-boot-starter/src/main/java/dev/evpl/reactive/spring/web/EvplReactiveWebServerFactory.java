package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.tls.TlsConfig;
import dev.evpl.reactive.http.HttpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;
import org.springframework.boot.web.server.reactive.AbstractReactiveWebServerFactory;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * Spring Boot's {@code ReactiveWebServerFactory} for evpl: WebFlux's {@link HttpHandler} runs on an
 * evpl {@link HttpServer} served by the given loop group. Boot's {@code server.*} properties reach it
 * through its customizers: {@code server.port}, {@code server.address}, {@code server.shutdown}
 * (graceful or immediate), and {@code server.ssl.*}: HTTPS with the key material of
 * {@code server.ssl.certificate}/{@code certificate-private-key}, a key store, or an SSL bundle
 * ({@code server.ssl.bundle}), client authentication, enabled protocols and ciphers, certificates
 * by SNI name ({@code server.ssl.server-name-bundles}); a bundle with {@code reload-on-update}
 * serves new connections with the new certificate without a restart (see {@link SslBundleTls}).
 * HTTP/2 is refused at start-up with a message (on the roadmap); {@code server.compression} is
 * ignored with a warning.
 *
 * <p>Mutable like every Boot web server factory (customizers configure it before the context
 * starts); not thread-safe until then.
 */
public final class EvplReactiveWebServerFactory extends AbstractReactiveWebServerFactory {
    private static final Log LOG = LogFactory.getLog(EvplReactiveWebServerFactory.class);

    private final EventLoopGroup loops;
    private Protocol protocol = Protocol.STREAM_SOCKET_TCP;
    private TlsEngine tlsEngine = TlsEngine.JDK;
    private final List<UnaryOperator<HttpServer>> serverCustomizers = new ArrayList<>();
    private final List<EvplWebServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<AtomicReference<TlsConfig>> tlsConfigs = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A factory whose servers run on {@code loops} (owned by the caller). */
    public EvplReactiveWebServerFactory(EventLoopGroup loops) {
        this.loops = Objects.requireNonNull(loops, "loops");
    }

    /** The stream protocol the server listens with (default {@code STREAM_SOCKET_TCP}). */
    public void setProtocol(Protocol protocol) {
        if (!protocol.isStream()) {
            throw new IllegalArgumentException("evpl.protocol must be a stream protocol, got " + protocol.name());
        }
        this.protocol = protocol;
    }

    /** The TLS engine of servers made after this call ({@code evpl.tls.engine}); default {@link TlsEngine#JDK}. */
    public void setTlsEngine(TlsEngine engine) {
        this.tlsEngine = java.util.Objects.requireNonNull(engine, "evpl.tls.engine");
    }

    /** The protocol servers listen with. */
    public Protocol getProtocol() {
        return protocol;
    }

    /** Adds a last say on the evpl {@link HttpServer} (limits, timeouts) before it binds. */
    public void addServerCustomizer(UnaryOperator<HttpServer> customizer) {
        serverCustomizers.add(Objects.requireNonNull(customizer, "customizer"));
    }

    /** The loops servers run on. */
    public EventLoopGroup getLoops() {
        return loops;
    }

    @Override
    public WebServer getWebServer(HttpHandler httpHandler) {
        if (getHttp2() != null && getHttp2().isEnabled()) {
            throw new WebServerException("server.http2.enabled is not supported by evpl yet (HTTP/2 is on the roadmap); "
                    + "turn server.http2.enabled off, or set evpl.enabled=false to serve with Reactor Netty", null);
        }
        if (getCompression() != null && getCompression().getEnabled()) {
            LOG.warn("server.compression.enabled is ignored: the evpl server does not compress responses");
        }
        String host = getAddress() == null ? "0.0.0.0" : getAddress().getHostAddress();
        HttpServer server = HttpServer.create()
                .protocol(protocol)
                .runOn(loops)
                .host(host)
                .port(getPort())
                .handle(new EvplHttpHandlerAdapter(httpHandler));
        String described = protocol.name();
        if (Ssl.isEnabled(getSsl())) {
            AtomicReference<TlsConfig> tls = new AtomicReference<>(serverTls());
            watchBundles(tls);
            server = server.secure(tls::get);
            tlsConfigs.add(tls);
            described = "HTTPS over " + protocol.name() + ", " + tls.get().engineProvider();
        }
        for (UnaryOperator<HttpServer> c : serverCustomizers) {
            server = c.apply(server);
        }
        EvplWebServer web = new EvplWebServer(server, getPort(), getShutdown(), described);
        servers.add(web);
        return web;
    }

    private TlsConfig serverTls() {
        try {
            return SslBundleTls.server(getSslBundle(), getSsl().getClientAuth(), getServerNameSslBundles(), tlsEngine);
        } catch (RuntimeException e) {
            throw new WebServerException("server.ssl: " + e.getMessage(), e);
        }
    }

    /**
     * Bundles that Boot reloads (a bundle's {@code reload-on-update}) rebuild the server's TLS
     * settings on Boot's watcher thread; connections accepted afterwards get the new certificate,
     * open ones keep theirs. A reload that fails keeps the old settings and says why.
     */
    private void watchBundles(AtomicReference<TlsConfig> tls) {
        SslBundles bundles = getSslBundles();
        if (bundles == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        if (getSsl().getBundle() != null) {
            names.add(getSsl().getBundle());
        }
        for (Ssl.ServerNameSslBundle b : getSsl().getServerNameBundles()) {
            names.add(b.bundle());
        }
        for (String name : names) {
            bundles.addBundleUpdateHandler(name, updated -> {
                try {
                    tls.set(serverTls());
                    LOG.info("evpl: SSL bundle '" + name + "' reloaded: new connections use the new certificate");
                } catch (RuntimeException e) {
                    LOG.error("evpl: SSL bundle '" + name + "' changed but cannot be used, keeping the previous one: "
                            + e.getMessage(), e);
                }
            });
        }
    }

    /** The TLS settings the running HTTPS servers accept new connections with (empty: plain HTTP). Thread-safe. */
    public List<TlsConfig> getTlsConfigs() {
        List<TlsConfig> all = new ArrayList<>();
        for (AtomicReference<TlsConfig> t : tlsConfigs) {
            all.add(t.get());
        }
        return all;
    }

    /** Open connections of the running servers this factory made. Thread-safe. */
    public int getConnectionCount() {
        int n = 0;
        for (EvplWebServer w : servers) {
            dev.evpl.reactive.http.DisposableHttpServer s = w.server();
            n += s == null ? 0 : s.connectionCount();
        }
        return n;
    }
}
