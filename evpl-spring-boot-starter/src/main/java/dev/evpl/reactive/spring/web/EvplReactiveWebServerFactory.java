package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.http.HttpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;
import org.springframework.boot.web.server.reactive.AbstractReactiveWebServerFactory;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * Spring Boot's {@code ReactiveWebServerFactory} for evpl: WebFlux's {@link HttpHandler} runs on an
 * evpl {@link HttpServer} served by the given loop group. Boot's {@code server.*} properties reach it
 * through its customizers: {@code server.port}, {@code server.address}, {@code server.shutdown}
 * (graceful or immediate). TLS ({@code server.ssl.*}) and HTTP/2 are refused at start-up with a
 * message (both are on the roadmap); {@code server.compression} is ignored with a warning.
 *
 * <p>Mutable like every Boot web server factory (customizers configure it before the context
 * starts); not thread-safe until then.
 */
public final class EvplReactiveWebServerFactory extends AbstractReactiveWebServerFactory {
    private static final Log LOG = LogFactory.getLog(EvplReactiveWebServerFactory.class);

    private final EventLoopGroup loops;
    private Protocol protocol = Protocol.STREAM_SOCKET_TCP;
    private final List<UnaryOperator<HttpServer>> serverCustomizers = new ArrayList<>();
    private final List<EvplWebServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();

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
        if (getSsl() != null && getSsl().isEnabled()) {
            throw new WebServerException("server.ssl is not supported by evpl yet (TLS is on the roadmap); "
                    + "terminate TLS in front of the application or set evpl.enabled=false", null);
        }
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
        for (UnaryOperator<HttpServer> c : serverCustomizers) {
            server = c.apply(server);
        }
        EvplWebServer web = new EvplWebServer(server, getPort(), getShutdown(), protocol.name());
        servers.add(web);
        return web;
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
