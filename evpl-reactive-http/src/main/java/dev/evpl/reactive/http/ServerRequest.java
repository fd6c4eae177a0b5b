package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One received request and its body stream. The head fields are immutable; the body state is
 * confined to the connection's loop (subscription signals hop there).
 */
final class ServerRequest implements HttpServerRequest, BodyStream.Feeder {
    private final ServerExchange connection;
    private final String method;
    private final String target;
    private final HttpVersion version;
    private final HttpHeaders headers;
    private final long contentLength;
    private final boolean keepAlive;
    final boolean expectContinue;
    Map<String, String> params = Map.of();
    /** Computed on first use (racy but idempotent). */
    private String path;
    /**
     * The body's stream; null for a request without a body (no Content-Length or 0, not chunked,
     * no {@code Expect}): it is complete, has no trailers, and costs no stream object.
     */
    final BodyStream body;
    /** Loop: its exchange ended normally (response whole, body read); the connection moved on. */
    boolean ended;

    ServerRequest(ServerExchange connection, RequestHeadParser head) {
        this.connection = connection;
        this.method = head.method;
        this.target = head.target;
        this.version = head.version;
        this.headers = head.headers;
        this.contentLength = head.chunked ? -1 : head.contentLength;
        this.keepAlive = head.keepAlive;
        this.expectContinue = head.expectContinue;
        boolean bodyless = !head.chunked && head.contentLength <= 0 && !head.expectContinue;
        this.body = bodyless ? null : new BodyStream(connection.loop(), "request body", this);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String path() {
        String p = path;
        if (p == null) {
            path = p = pathOf(target);
        }
        return p;
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        String p = q < 0 ? target : target.substring(0, q);
        if (p.charAt(0) != '/' && p.length() > 1) {
            // absolute-form: drop scheme and authority
            int authority = p.indexOf("//");
            int slash = authority < 0 ? -1 : p.indexOf('/', authority + 2);
            return slash < 0 ? "/" : p.substring(slash);
        }
        return p;
    }

    @Override
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? null : target.substring(q + 1);
    }

    @Override
    public HttpVersion version() {
        return version;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public String param(String name) {
        return params.get(name);
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public boolean isKeepAlive() {
        return keepAlive;
    }

    @Override
    public Flux<Segment> receive() {
        return body != null ? body : Flux.empty();
    }

    private static final Mono<String> EMPTY_STRING = Mono.just("");

    @Override
    public Mono<String> receiveString() {
        return body != null ? body.aggregateString() : EMPTY_STRING;
    }

    @Override
    public HttpHeaders trailers() {
        return body != null ? body.trailers() : HttpHeaders.EMPTY;
    }

    /** Loop: ends the body stream with {@code e} (no-op when it has none or ended). */
    void failBody(Throwable e) {
        if (body != null) {
            body.fail(e);
        }
    }

    @Override
    public EventLoop loop() {
        return connection.loop();
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return connection.localAddress();
    }

    @Override
    public javax.net.ssl.SSLSession sslSession() {
        return connection.sslSession();
    }

    // --- BodyStream.Feeder (loop) --------------------------------------------------------------

    @Override
    public void demanded() {
        connection.bodyDemanded(this);
    }

    @Override
    public void cancelled() {
        // Nothing to stop now: the connection discards (or closes for) the rest after the response.
    }

    @Override
    public boolean attachable() {
        return connection.isCurrent(this);
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version;
    }
}
