package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * One received request and its body stream. The head fields are immutable; the body state is
 * confined to the connection's loop (subscription signals hop there).
 */
final class ServerRequest implements HttpServerRequest {
    private final ServerConnection connection;
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
    private final Body body = new Body();

    // Loop-confined body state.
    long demand;
    boolean bodyDone;
    Throwable bodyError;
    boolean bodyCancelled;
    private boolean subscribed;
    private CoreSubscriber<? super Segment> subscriber;
    private volatile HttpHeaders trailers;

    ServerRequest(ServerConnection connection, RequestHeadParser head) {
        this.connection = connection;
        this.method = head.method;
        this.target = head.target;
        this.version = head.version;
        this.headers = head.headers;
        this.contentLength = head.chunked ? -1 : head.contentLength;
        this.keepAlive = head.keepAlive;
        this.expectContinue = head.expectContinue;
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
        return body;
    }

    @Override
    public Mono<String> receiveString() {
        return body.collectList().doOnDiscard(Segment.class, Segment::release).map(parts -> {
            int n = 0;
            for (Segment s : parts) {
                n += s.readableBytes();
            }
            byte[] bytes = new byte[n];
            int at = 0;
            for (Segment s : parts) {
                int len = s.readableBytes();
                s.getBytes(0, bytes, at, len);
                at += len;
                s.release();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        });
    }

    @Override
    public HttpHeaders trailers() {
        HttpHeaders t = trailers;
        return t == null ? new HttpHeaders().freeze() : t;
    }

    @Override
    public EventLoop loop() {
        return connection.loop;
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.bind.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return connection.bind.localAddress();
    }

    // --- loop side -----------------------------------------------------------------------------

    /** Whether a subscriber is reading the body. */
    boolean hasSubscriber() {
        return subscriber != null;
    }

    void deliver(Segment data) {
        demand--;
        subscriber.onNext(data);
    }

    void complete(HttpHeaders receivedTrailers) {
        trailers = receivedTrailers;
        bodyDone = true;
        CoreSubscriber<? super Segment> s = subscriber;
        if (s != null && !bodyCancelled) {
            subscriber = null;
            s.onComplete();
        }
    }

    void fail(Throwable e) {
        if (bodyDone || bodyError != null) {
            return;
        }
        bodyError = e;
        CoreSubscriber<? super Segment> s = subscriber;
        if (s != null && !bodyCancelled) {
            subscriber = null;
            s.onError(e);
        }
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version;
    }

    /** The body publisher: one subscriber, demand and cancel hop onto the loop. */
    private final class Body extends Flux<Segment> implements Subscription {
        @Override
        public void subscribe(CoreSubscriber<? super Segment> actual) {
            connection.onLoop(() -> attach(actual));
        }

        private void attach(CoreSubscriber<? super Segment> actual) {
            if (subscribed) {
                Operators.error(actual, new IllegalStateException("the request body has one subscriber only"));
                return;
            }
            subscribed = true;
            if (!connection.isCurrent(ServerRequest.this) && !bodyDone) {
                Operators.error(actual, new IllegalStateException("the request body is no longer available: the exchange ended"));
                return;
            }
            subscriber = actual;
            actual.onSubscribe(this);
            if (bodyError != null) {
                subscriber = null;
                actual.onError(bodyError);
            } else if (bodyDone) {
                subscriber = null;
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                connection.onLoop(() -> {
                    demand = Operators.addCap(demand, n);
                    connection.bodyDemanded(ServerRequest.this);
                });
            }
        }

        @Override
        public void cancel() {
            connection.onLoop(() -> {
                bodyCancelled = true;
                subscriber = null;
            });
        }
    }
}
