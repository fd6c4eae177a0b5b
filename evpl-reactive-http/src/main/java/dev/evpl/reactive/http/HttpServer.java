package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.tls.TlsConfig;
import dev.evpl.reactive.core.tls.TlsTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An HTTP/1.1 (and 1.0) server on any stream protocol, configured by an immutable builder.
 *
 * <pre>{@code
 * DisposableHttpServer server = HttpServer.create().port(8080)
 *         .route(r -> r.get("/hello", (req, res) -> res.sendString("Hello, World!"))
 *                      .post("/echo", (req, res) -> res.send(req.receive())))
 *         .bindNow();
 * }</pre>
 *
 * <p>Defaults (and allowed ranges):
 * <table>
 *   <caption>HttpServer settings</caption>
 *   <tr><th>setting</th><th>default</th><th>range</th></tr>
 *   <tr><td>protocol</td><td>STREAM_SOCKET_TCP</td><td>any stream protocol</td></tr>
 *   <tr><td>secure</td><td>none: plain HTTP</td><td>a {@link TlsConfig#server} config: HTTPS</td></tr>
 *   <tr><td>host / port</td><td>127.0.0.1 / 0 (any free port)</td><td>port 0–65535</td></tr>
 *   <tr><td>loops</td><td>a group of its own with {@code threads} loops, closed with the server</td><td></td></tr>
 *   <tr><td>threads</td><td>1</td><td>1–1024</td></tr>
 *   <tr><td>maxTargetLength</td><td>8192 bytes (else 414)</td><td>64–1048576</td></tr>
 *   <tr><td>maxHeaderSize</td><td>8192 bytes (else 431); also the trailer limit</td><td>256–1048576</td></tr>
 *   <tr><td>readTimeout</td><td>30 s for a request head once begun (else 408)</td><td>1 ms–1 h</td></tr>
 *   <tr><td>idleTimeout</td><td>60 s between requests (then closed)</td><td>1 ms–24 h</td></tr>
 *   <tr><td>maxDiscard</td><td>65536 bytes of unread request body dropped to keep a connection</td><td>0–2^40</td></tr>
 *   <tr><td>bodyTimeout</td><td>60 s without a request-body byte while the handler reads (else 408)</td><td>1 ms–1 h</td></tr>
 *   <tr><td>writeTimeout</td><td>60 s with response bytes unwritten and none leaving (then closed)</td><td>1 ms–1 h</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe: every setter returns a new instance and validates its argument
 * (the message names the setting and its range).
 */
public final class HttpServer {
    private final Protocol protocol;
    private final Endpoint endpoint;
    private final EventLoopGroup loops;
    private final int threads;
    private final ServerSettings settings;
    private final HttpHandler handler;
    /** TLS settings (HTTPS), or null for plain HTTP. */
    private final Supplier<TlsConfig> tls;

    private HttpServer(Protocol protocol, Endpoint endpoint, EventLoopGroup loops, int threads, ServerSettings settings,
                       HttpHandler handler, Supplier<TlsConfig> tls) {
        this.tls = tls;
        this.protocol = protocol;
        this.endpoint = endpoint;
        this.loops = loops;
        this.threads = threads;
        this.settings = settings;
        this.handler = handler;
    }

    /** A server with the defaults above and no handler yet. */
    public static HttpServer create() {
        return new HttpServer(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0), null, 1, ServerSettings.DEFAULTS, null, null);
    }

    private HttpServer with(ServerSettings s) {
        return new HttpServer(protocol, endpoint, loops, threads, s, handler, tls);
    }

    /**
     * Serves HTTPS: TLS with {@code config} (a {@link TlsConfig#server} one) over the configured
     * stream protocol. Offer ALPN {@code http/1.1} in the config for clients that ask (h2 later).
     */
    public HttpServer secure(TlsConfig config) {
        Objects.requireNonNull(config, "config");
        checkServer(config);
        return new HttpServer(protocol, endpoint, loops, threads, settings, handler, () -> config);
    }

    /**
     * Serves HTTPS with settings that may change while it runs (certificate reload): asked once
     * per accepted connection, on its loop, so it must return a config built beforehand without
     * blocking (see {@link TlsTransport#server(Protocol, Supplier)}). Checked once now.
     */
    public HttpServer secure(Supplier<TlsConfig> config) {
        Objects.requireNonNull(config, "config");
        checkServer(Objects.requireNonNull(config.get(), "config.get()"));
        return new HttpServer(protocol, endpoint, loops, threads, settings, handler, config);
    }

    private static void checkServer(TlsConfig config) {
        if (config.isClient()) {
            throw new IllegalArgumentException("HttpServer.secure needs TlsConfig.server(...) settings");
        }
    }

    /** The stream protocol to serve on. */
    public HttpServer protocol(Protocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        if (!protocol.isStream()) {
            throw new IllegalArgumentException("HttpServer.protocol must be a stream protocol, got " + protocol.name());
        }
        return new HttpServer(protocol, endpoint, loops, threads, settings, handler, tls);
    }

    /** Where to listen: host:port, a unix path ({@code STREAM_SOCKET_UNIX}) or an in-process name. */
    public HttpServer endpoint(Endpoint endpoint) {
        return new HttpServer(protocol, Objects.requireNonNull(endpoint, "endpoint"), loops, threads, settings, handler, tls);
    }

    /** Listens on {@code host} at the current port. */
    public HttpServer host(String host) {
        return endpoint(Endpoint.inet(host, endpoint.isUnix() ? 0 : endpoint.port()));
    }

    /** Listens on {@code port} (0: any free port) at the current host. */
    public HttpServer port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HttpServer.port must be between 0 and 65535, got " + port);
        }
        return endpoint(Endpoint.inet(endpoint.isUnix() ? "127.0.0.1" : endpoint.host(), port));
    }

    /** Serves on the loops of {@code group} (not closed with the server). */
    public HttpServer runOn(EventLoopGroup group) {
        return new HttpServer(protocol, endpoint, Objects.requireNonNull(group, "group"), threads, settings, handler, tls);
    }

    /** Loops of the server's own group, when {@link #runOn} is not used. */
    public HttpServer threads(int threads) {
        range("threads", threads, 1, 1024);
        return new HttpServer(protocol, endpoint, loops, threads, settings, handler, tls);
    }

    /** Longest accepted request target, in bytes. */
    public HttpServer maxTargetLength(int bytes) {
        range("maxTargetLength", bytes, 64, 1 << 20);
        return with(settings.withMaxTargetLength(bytes));
    }

    /** Largest accepted header (and trailer) section, in bytes. */
    public HttpServer maxHeaderSize(int bytes) {
        range("maxHeaderSize", bytes, 256, 1 << 20);
        return with(settings.withMaxHeaderSize(bytes));
    }

    /** Time allowed for a request head once its first byte arrived. */
    public HttpServer readTimeout(Duration timeout) {
        duration("readTimeout", timeout, Duration.ofHours(1));
        return with(settings.withReadTimeout(timeout.toNanos()));
    }

    /** Time a persistent connection may wait for its next request. */
    public HttpServer idleTimeout(Duration timeout) {
        duration("idleTimeout", timeout, Duration.ofHours(24));
        return with(settings.withIdleTimeout(timeout.toNanos()));
    }

    /**
     * Time a request body may go without a byte arriving while the handler asks for more (a
     * trickling upload): then 408 if the response has not begun, else the connection is closed.
     * Time the handler spends not reading does not count.
     */
    public HttpServer bodyTimeout(Duration timeout) {
        duration("bodyTimeout", timeout, Duration.ofHours(1));
        return with(settings.withBodyTimeout(timeout.toNanos()));
    }

    /**
     * Time a response may wait with bytes unwritten and none leaving (a client that does not read
     * its responses); then the connection is closed. A handler that is slow to produce does not count.
     */
    public HttpServer writeTimeout(Duration timeout) {
        duration("writeTimeout", timeout, Duration.ofHours(1));
        return with(settings.withWriteTimeout(timeout.toNanos()));
    }

    /** Unread request body the server reads and drops to keep a connection open after a response. */
    public HttpServer maxDiscard(long bytes) {
        if (bytes < 0 || bytes > 1L << 40) {
            throw new IllegalArgumentException("HttpServer.maxDiscard must be between 0 and 2^40, got " + bytes);
        }
        return with(settings.withMaxDiscard(bytes));
    }

    /** The handler of every request. */
    public HttpServer handle(HttpHandler handler) {
        return new HttpServer(protocol, endpoint, loops, threads, settings, Objects.requireNonNull(handler, "handler"), tls);
    }

    /** Routes configured by {@code routes} handle the requests. */
    public HttpServer route(Consumer<? super HttpServerRoutes> routes) {
        HttpServerRoutes r = HttpServerRoutes.create();
        routes.accept(r);
        return handle(r);
    }

    /**
     * Listens and starts serving; blocking (binding, name resolution): call it off the loops.
     * Fails with the bind error, e.g. {@code EADDRINUSE}.
     */
    public DisposableHttpServer bindNow() {
        if (handler == null) {
            throw new IllegalStateException("HttpServer.handle(...) or route(...) must be set before binding");
        }
        EventLoopGroup group = loops != null ? loops : EventLoopGroup.create(GroupConfig.builder().threads(threads).build());
        Listener listener;
        try {
            listener = tls == null ? Listener.listen(protocol, endpoint)
                    : Listener.listen(TlsTransport.server(protocol, tls), endpoint);
        } catch (RuntimeException e) {
            if (loops == null) {
                group.close();
            }
            throw e;
        }
        DisposableHttpServer server = new DisposableHttpServer(listener, loops == null ? group : null);
        List<Disposable> attachments = new ArrayList<>();
        for (EventLoop loop : group.loops()) {
            attachments.add(listener.attach(loop, bind -> server.serve(bind, settings, handler)));
        }
        server.attachments(attachments);
        return server;
    }

    /** {@link #bindNow()} on a worker thread. */
    public Mono<DisposableHttpServer> bind() {
        return Mono.fromCallable(this::bindNow).subscribeOn(Schedulers.boundedElastic());
    }

    private static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("HttpServer." + name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void duration(String name, Duration d, Duration max) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("HttpServer." + name + " must be between 1 ms and " + max + ", got " + d);
        }
    }
}
