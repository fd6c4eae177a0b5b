package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.charset.StandardCharsets;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/** A received response and its body stream; body state confined to the connection's loop. */
final class ClientResponse implements HttpClientResponse {
    private final ClientConnection connection;
    private final int status;
    private final String reason;
    private final HttpVersion version;
    private final HttpHeaders headers;
    private final Body body = new Body();

    long demand;
    boolean done;
    Throwable error;
    boolean cancelled;
    private boolean subscribed;
    private CoreSubscriber<? super Segment> subscriber;
    private volatile HttpHeaders trailers;

    ClientResponse(ClientConnection connection, ResponseHeadParser head) {
        this.connection = connection;
        this.status = head.status;
        this.reason = head.reason;
        this.version = head.version;
        this.headers = head.headers;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String reason() {
        return reason;
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
    public Flux<Segment> body() {
        return body;
    }

    @Override
    public Mono<byte[]> bodyAsBytes() {
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
            return bytes;
        });
    }

    @Override
    public Mono<String> bodyAsString() {
        return bodyAsBytes().map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public Mono<Void> discard() {
        return body.doOnNext(Segment::release).then();
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

    boolean hasSubscriber() {
        return subscriber != null;
    }

    void deliver(Segment data) {
        demand--;
        subscriber.onNext(data);
    }

    void complete(HttpHeaders received) {
        trailers = received;
        done = true;
        CoreSubscriber<? super Segment> s = subscriber;
        if (s != null && !cancelled) {
            subscriber = null;
            s.onComplete();
        }
    }

    void fail(Throwable e) {
        if (done || error != null) {
            return;
        }
        error = e;
        CoreSubscriber<? super Segment> s = subscriber;
        if (s != null && !cancelled) {
            subscriber = null;
            s.onError(e);
        }
    }

    @Override
    public String toString() {
        return version + " " + status + " " + reason;
    }

    private final class Body extends Flux<Segment> implements Subscription {
        @Override
        public void subscribe(CoreSubscriber<? super Segment> actual) {
            connection.onLoop(() -> attach(actual));
        }

        private void attach(CoreSubscriber<? super Segment> actual) {
            if (subscribed) {
                Operators.error(actual, new IllegalStateException("the response body has one subscriber only"));
                return;
            }
            subscribed = true;
            subscriber = actual;
            actual.onSubscribe(this);
            if (error != null) {
                subscriber = null;
                actual.onError(error);
            } else if (done) {
                subscriber = null;
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                connection.onLoop(() -> {
                    demand = Operators.addCap(demand, n);
                    connection.drive();
                });
            }
        }

        @Override
        public void cancel() {
            connection.onLoop(() -> {
                cancelled = true;
                subscriber = null;
                connection.bodyCancelled(ClientResponse.this);
            });
        }
    }
}
