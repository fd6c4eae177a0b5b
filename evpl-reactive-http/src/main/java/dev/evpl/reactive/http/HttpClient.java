package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.bind.StreamTransport;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.tls.TlsConfig;
import dev.evpl.reactive.core.tls.TlsTransport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * An HTTP/1.1 client with a connection pool per endpoint and event loop, over any stream protocol.
 *
 * <pre>{@code
 * HttpClient client = HttpClient.create().maxConnections(16);
 * String body = client.get("http://127.0.0.1:8080/hello")
 *         .flatMap(HttpClientResponse::bodyAsString).block();
 * }</pre>
 *
 * <p>A request's {@code Mono} emits the response once its head arrived (interim 1xx responses are
 * skipped), or fails with an {@link HttpException} saying what happened: cannot connect, connection
 * closed before the head, malformed response, no connection free in time, response timeout. The
 * response body then has exactly one terminal signal (see {@link HttpClientResponse}). A pooled
 * connection the server closed is noticed while idle and never reused; a request without a streamed
 * body that finds its reused connection closed before any response byte is sent once more on a new
 * one (except POST and PATCH).
 *
 * <p>{@code https://} URLs go over TLS ({@link TlsTransport} on the configured protocol) with
 * {@link #secure(TlsConfig)}'s settings, by default the system trust store with host names
 * verified and ALPN {@code http/1.1}; the URL's host is sent as SNI. Plain and TLS connections are
 * pooled apart (a pool is keyed by loop, endpoint and scheme; a client configured with other TLS
 * settings is another client with pools of its own). A failed handshake fails the request with an
 * {@link HttpException} whose cause is the {@code SSLException}.
 *
 * <p>Defaults (and allowed ranges):
 * <table>
 *   <caption>HttpClient settings</caption>
 *   <tr><th>setting</th><th>default</th><th>range</th></tr>
 *   <tr><td>protocol</td><td>STREAM_SOCKET_TCP</td><td>any stream protocol (under TLS for https)</td></tr>
 *   <tr><td>secure</td><td>{@code TlsConfig.client().alpn("http/1.1")}: system trust, host names verified</td><td>a {@link TlsConfig#client()} config</td></tr>
 *   <tr><td>loops</td><td>a group of its own with 1 loop, closed by {@link #dispose()}</td><td></td></tr>
 *   <tr><td>maxConnections</td><td>8 per endpoint and loop</td><td>1–10000</td></tr>
 *   <tr><td>pendingAcquireMaxCount</td><td>1024 requests waiting</td><td>0–1000000</td></tr>
 *   <tr><td>pendingAcquireTimeout</td><td>45 s</td><td>1 ms–1 h</td></tr>
 *   <tr><td>maxIdleTime</td><td>30 s</td><td>1 ms–24 h</td></tr>
 *   <tr><td>maxLifeTime</td><td>unlimited</td><td>1 ms–unlimited</td></tr>
 *   <tr><td>responseTimeout</td><td>none (until the response head)</td><td>1 ms–1 h</td></tr>
 *   <tr><td>maxHeaderSize</td><td>8192 bytes</td><td>256–1048576</td></tr>
 * </table>
 *
 * <p>Immutable configuration (setters return new instances sharing nothing mutable until first
 * use); the configured client is thread-safe. Call {@link #dispose()} when done.
 */
public final class HttpClient implements Disposable {
    private final Protocol protocol;
    private final EventLoopGroup loops;
    private final ClientSettings settings;
    private final TlsConfig tls;
    /** One pool per loop, endpoint and scheme. */
    private record PoolKey(EventLoop loop, Endpoint endpoint, boolean secure) {
    }

    private final Map<PoolKey, ClientPool> pools = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile EventLoopGroup ownGroup;
    private volatile boolean disposed;
    private volatile TlsTransport tlsTransport;

    private HttpClient(Protocol protocol, EventLoopGroup loops, ClientSettings settings, TlsConfig tls) {
        this.protocol = protocol;
        this.loops = loops;
        this.settings = settings;
        this.tls = tls;
    }

    /** A client with the defaults above. */
    public static HttpClient create() {
        return new HttpClient(Protocol.STREAM_SOCKET_TCP, null, new ClientSettings(8, 1024,
                Duration.ofSeconds(45).toNanos(), Duration.ofSeconds(30).toNanos(), Long.MAX_VALUE, 0, 8192), null);
    }

    private HttpClient with(ClientSettings s) {
        return new HttpClient(protocol, loops, s, tls);
    }

    /** The stream protocol to connect with. */
    public HttpClient protocol(Protocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        if (!protocol.isStream()) {
            throw new IllegalArgumentException("HttpClient.protocol must be a stream protocol, got " + protocol.name());
        }
        return new HttpClient(protocol, loops, settings, tls);
    }

    /**
     * The TLS settings for {@code https://} URLs (trust, client identity for mutual TLS,
     * protocols, ALPN, host-name verification, handshake timeout). Validated now: a server-side
     * config is refused.
     */
    public HttpClient secure(TlsConfig config) {
        Objects.requireNonNull(config, "config");
        if (!config.isClient()) {
            throw new IllegalArgumentException("HttpClient.secure needs TlsConfig.client() settings, got server settings");
        }
        return new HttpClient(protocol, loops, settings, config);
    }

    /** Runs connections on the loops of {@code group} (not closed by {@link #dispose()}). */
    public HttpClient runOn(EventLoopGroup group) {
        return new HttpClient(protocol, Objects.requireNonNull(group, "group"), settings, tls);
    }

    /** Connections per endpoint and loop. */
    public HttpClient maxConnections(int n) {
        range("maxConnections", n, 1, 10_000);
        ClientSettings s = settings;
        return with(new ClientSettings(n, s.pendingAcquireMaxCount(), s.pendingAcquireTimeoutNanos(), s.maxIdleTimeNanos(),
                s.maxLifeTimeNanos(), s.responseTimeoutNanos(), s.maxHeaderSize()));
    }

    /** Requests that may wait for a connection; more fail at once. */
    public HttpClient pendingAcquireMaxCount(int n) {
        range("pendingAcquireMaxCount", n, 0, 1_000_000);
        ClientSettings s = settings;
        return with(new ClientSettings(s.maxConnections(), n, s.pendingAcquireTimeoutNanos(), s.maxIdleTimeNanos(),
                s.maxLifeTimeNanos(), s.responseTimeoutNanos(), s.maxHeaderSize()));
    }

    /** How long a request may wait for a connection. */
    public HttpClient pendingAcquireTimeout(Duration d) {
        long n = duration("pendingAcquireTimeout", d, Duration.ofHours(1));
        ClientSettings s = settings;
        return with(new ClientSettings(s.maxConnections(), s.pendingAcquireMaxCount(), n, s.maxIdleTimeNanos(),
                s.maxLifeTimeNanos(), s.responseTimeoutNanos(), s.maxHeaderSize()));
    }

    /** How long an idle pooled connection is kept. */
    public HttpClient maxIdleTime(Duration d) {
        long n = duration("maxIdleTime", d, Duration.ofHours(24));
        ClientSettings s = settings;
        return with(new ClientSettings(s.maxConnections(), s.pendingAcquireMaxCount(), s.pendingAcquireTimeoutNanos(), n,
                s.maxLifeTimeNanos(), s.responseTimeoutNanos(), s.maxHeaderSize()));
    }

    /** How long a connection is used at most (checked when it is taken from the pool). */
    public HttpClient maxLifeTime(Duration d) {
        long n = duration("maxLifeTime", d, Duration.ofDays(365_000));
        ClientSettings s = settings;
        return with(new ClientSettings(s.maxConnections(), s.pendingAcquireMaxCount(), s.pendingAcquireTimeoutNanos(),
                s.maxIdleTimeNanos(), n, s.responseTimeoutNanos(), s.maxHeaderSize()));
    }

    /** Time allowed from sending a request to its response head. */
    public HttpClient responseTimeout(Duration d) {
        long n = duration("responseTimeout", d, Duration.ofHours(1));
        ClientSettings s = settings;
        return with(new ClientSettings(s.maxConnections(), s.pendingAcquireMaxCount(), s.pendingAcquireTimeoutNanos(),
                s.maxIdleTimeNanos(), s.maxLifeTimeNanos(), n, s.maxHeaderSize()));
    }

    /** Largest accepted response header section. */
    public HttpClient maxHeaderSize(int bytes) {
        range("maxHeaderSize", bytes, 256, 1 << 20);
        ClientSettings s = settings;
        return with(new ClientSettings(s.maxConnections(), s.pendingAcquireMaxCount(), s.pendingAcquireTimeoutNanos(),
                s.maxIdleTimeNanos(), s.maxLifeTimeNanos(), s.responseTimeoutNanos(), bytes));
    }

    /** {@code GET url}. */
    public Mono<HttpClientResponse> get(String url) {
        return request(HttpMethods.GET, url, null, (Object) null);
    }

    /**
     * Sends {@code method url} with {@code headers} (may be null) and a streamed {@code body}
     * (chunked; segments taken over; null for none).
     */
    public Mono<HttpClientResponse> request(String method, String url, Consumer<HttpHeaders> headers, Publisher<Segment> body) {
        return request(method, url, headers, (Object) body);
    }

    /** Sends {@code method url} with {@code headers} (may be null) and {@code body} with its Content-Length (null for none). */
    public Mono<HttpClientResponse> request(String method, String url, Consumer<HttpHeaders> headers, byte[] body) {
        return request(method, url, headers, (Object) body);
    }

    private Mono<HttpClientResponse> request(String method, String url, Consumer<HttpHeaders> headers, Object body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        return Mono.<HttpClientResponse>create(sink -> {
            if (disposed) {
                sink.error(new IllegalStateException("HttpClient disposed"));
                return;
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                sink.error(new IllegalArgumentException("invalid URL '" + url + "': " + e.getMessage(), e));
                return;
            }
            boolean secure = "https".equalsIgnoreCase(uri.getScheme());
            if (!(secure || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
                sink.error(new IllegalArgumentException("only http://host[:port]/… and https://host[:port]/… URLs are supported, got '"
                        + url + "'"));
                return;
            }
            HttpHeaders h = new HttpHeaders();
            if (headers != null) {
                headers.accept(h);
            }
            int port = uri.getPort() < 0 ? (secure ? 443 : 80) : uri.getPort();
            String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + port;
            Endpoint endpoint = Endpoint.inet(uri.getHost(), port);
            EventLoop loop = pickLoop();
            ClientRequest r = new ClientRequest(method, endpoint, target, host, h, body, sink);
            ClientPool pool = pools.computeIfAbsent(new PoolKey(loop, endpoint, secure),
                    k -> new ClientPool(loop, k.secure() ? tlsTransport() : StreamTransport.of(protocol), endpoint, settings));
            // A cancel (a timeout, a disposed subscriber) gives the pooled connection back: never a leak.
            sink.onCancel(() -> loop.execute(() -> pool.cancelled(r)));
            if (!loop.execute(() -> pool.acquire(r))) {
                sink.error(new IllegalStateException("the client's event loop " + loop.name() + " is disposed"));
            }
        }).doOnDiscard(HttpClientResponse.class, HttpClient::drainUnwanted);
    }

    static {
        // A response that reaches a subscriber after it cancelled (a timeout racing the head) is
        // Reactor's "next dropped": nobody will read its body, so drain it (the connection goes
        // back to the pool, its buffered bytes to the buffer pool) instead of leaving it stuck.
        reactor.core.publisher.Hooks.onNextDropped(dropped -> {
            if (dropped instanceof HttpClientResponse r) {
                drainUnwanted(r);
            }
        });
    }

    /**
     * A response nobody will read (its request was cancelled as the head arrived; Reactor discards
     * or drops it): its body is drained so the connection is reused or closed and nothing leaks.
     */
    static void drainUnwanted(HttpClientResponse r) {
        r.discard().subscribe(null, e -> { });
    }

    private TlsTransport tlsTransport() {
        TlsTransport t = tlsTransport;
        if (t == null) {
            // Built once per client (the SSLContext, its trust store and session cache are shared by
            // every TLS connection of this client), on the first https request, off the loops.
            synchronized (this) {
                t = tlsTransport;
                if (t == null) {
                    t = TlsTransport.client(protocol, tls != null ? tls : TlsConfig.client().alpn("http/1.1").build());
                    tlsTransport = t;
                }
            }
        }
        return t;
    }

    private EventLoop pickLoop() {
        EventLoopGroup group = group();
        List<EventLoop> all = group.loops();
        for (EventLoop l : all) {
            if (l.inLoop()) {
                return l; // a request made on a loop stays on it
            }
        }
        return all.get(Math.floorMod(next.getAndIncrement(), all.size()));
    }

    private EventLoopGroup group() {
        if (loops != null) {
            return loops;
        }
        EventLoopGroup g = ownGroup;
        if (g == null) {
            synchronized (this) {
                g = ownGroup;
                if (g == null) {
                    g = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
                    ownGroup = g;
                }
            }
        }
        return g;
    }

    /** Closes idle connections and the client's own loops (if it created them). */
    @Override
    public void dispose() {
        disposed = true;
        for (ClientPool p : pools.values()) {
            p.loop.execute(p::closeIdle); // refused only when the loop is already gone
        }
        EventLoopGroup g = ownGroup;
        if (g != null) {
            g.close();
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    private static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("HttpClient." + name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static long duration(String name, Duration d, Duration max) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("HttpClient." + name + " must be between 1 ms and " + max + ", got " + d);
        }
        return d.toNanos();
    }
}
