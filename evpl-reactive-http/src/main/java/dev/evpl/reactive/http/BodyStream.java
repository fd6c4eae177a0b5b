package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.charset.StandardCharsets;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A message body as a one-subscriber stream of segments, fed by a connection on its loop: the
 * request body on the server, the response body on the client. Demand and cancel hop onto the loop
 * and are handed to the connection ({@link Feeder}); the connection delivers only what was
 * demanded, then completes (with the trailers) or fails. Exactly one terminal signal.
 *
 * <p>Loop-confined state; {@code subscribe}, {@code request} and {@code cancel} may come from any thread.
 */
final class BodyStream extends Flux<Segment> implements Subscription {
    /** The connection side. */
    interface Feeder {
        /** Loop: the subscriber asked for more. */
        void demanded();

        /** Loop: the subscriber cancelled. */
        void cancelled();

        /** Loop: may a subscriber still attach (false once the exchange ended with the body unread)? */
        boolean attachable();
    }

    private final EventLoop loop;
    private final String what;
    private final Feeder feeder;
    long demand;
    boolean done;
    Throwable error;
    boolean cancelled;
    private boolean subscribed;
    private boolean feeding;
    private boolean feedAgain;
    private CoreSubscriber<? super Segment> subscriber;
    private volatile HttpHeaders trailers;

    BodyStream(EventLoop loop, String what, Feeder feeder) {
        this.loop = loop;
        this.what = what;
        this.feeder = feeder;
    }

    private void onLoop(Runnable r) {
        loop.execute(r); // refused only when the loop is gone; its connections were closed with it
    }

    @Override
    public void subscribe(CoreSubscriber<? super Segment> actual) {
        onLoop(() -> attach(actual));
    }

    private void attach(CoreSubscriber<? super Segment> actual) {
        if (subscribed) {
            Operators.error(actual, new IllegalStateException("the " + what + " has one subscriber only"));
            return;
        }
        subscribed = true;
        if (!done && error == null && !feeder.attachable()) {
            Operators.error(actual, new IllegalStateException("the " + what + " is no longer available: the exchange ended"));
            return;
        }
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
            onLoop(() -> {
                demand = Operators.addCap(demand, n);
                feed();
            });
        }
    }

    /**
     * Loop: asks the feeder to deliver, never re-entrantly. A subscriber that requests from inside
     * onNext would otherwise get its next onNext nested in the current one: unbounded recursion
     * (rule 3.3), and Reactor's {@code StrictSubscriber} (what a plain Subscriber is wrapped in)
     * silently drops a nested onNext, losing the segment (found by the TCK). A request during a
     * delivery only adds demand; the outer call feeds again once the delivery returns.
     */
    private void feed() {
        if (feeding) {
            feedAgain = true;
            return;
        }
        feeding = true;
        try {
            do {
                feedAgain = false;
                feeder.demanded();
            } while (feedAgain && demand > 0 && hasSubscriber());
        } finally {
            feeding = false;
        }
    }

    @Override
    public void cancel() {
        onLoop(() -> {
            cancelled = true;
            subscriber = null;
            feeder.cancelled();
        });
    }

    /** Loop: whether someone takes the data now. */
    boolean hasSubscriber() {
        return subscriber != null && !cancelled;
    }

    /** Loop: hands over one demanded segment. */
    void deliver(Segment data) {
        demand--;
        subscriber.onNext(data);
    }

    /** Loop: the body ended, with {@code received} trailers. */
    void complete(HttpHeaders received) {
        trailers = received;
        done = true;
        CoreSubscriber<? super Segment> s = subscriber;
        if (s != null && !cancelled) {
            subscriber = null;
            s.onComplete();
        }
    }

    /** Loop: the body failed (at most one terminal signal). */
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

    /** The trailers once complete; empty before and for bodies without any. */
    HttpHeaders trailers() {
        HttpHeaders t = trailers;
        return t == null ? HttpHeaders.EMPTY : t;
    }

    /** The whole body as bytes (segments released; those gathered are released on error too). */
    Mono<byte[]> aggregate() {
        return collectList().doOnDiscard(Segment.class, Segment::release).map(parts -> {
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

    /** The whole body decoded as UTF-8. */
    Mono<String> aggregateString() {
        return aggregate().map(b -> new String(b, StandardCharsets.UTF_8));
    }
}
