package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;

/**
 * A streamed response body subscribed at once, on the thread that sends the response, with
 * {@code prefetch} segments of demand; the loop-side writer subscribes later and drains it. Without
 * it a source on another thread (a {@code Flux.interval}, an SSE stream) would see no demand until
 * the hop to the loop ran, and a source that cannot wait (interval) fails with an overflow.
 *
 * <p>One subscriber. Segments left when it cancels, or when it never comes ({@link #discard()}),
 * are released. Producer side: the upstream's thread; consumer side: any one thread at a time.
 */
final class EagerBody extends reactor.core.publisher.Flux<Segment> implements CoreSubscriber<Segment>, Subscription {
    private static final AtomicIntegerFieldUpdater<EagerBody> WIP =
            AtomicIntegerFieldUpdater.newUpdater(EagerBody.class, "wip");
    private static final AtomicLongFieldUpdater<EagerBody> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(EagerBody.class, "requested");

    private final Queue<Segment> queue;
    private final int prefetch;
    private final int limit;
    private volatile Subscription upstream;
    private volatile CoreSubscriber<? super Segment> actual;
    private volatile long requested;
    private volatile int wip;
    private volatile boolean done;
    private volatile boolean cancelled;
    private Throwable error;
    private int consumed;

    EagerBody(Publisher<Segment> source, int prefetch) {
        this.queue = Queues.<Segment>get(prefetch).get();
        this.prefetch = prefetch;
        this.limit = prefetch - (prefetch >> 2);
        source.subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            s.request(prefetch);
        }
    }

    @Override
    public void onNext(Segment s) {
        if (done || cancelled) {
            s.release();
            return;
        }
        if (!queue.offer(s)) {
            s.release();
            upstream.cancel();
            onError(new IllegalStateException("the response body emitted more than it was asked for"));
            return;
        }
        drain();
    }

    @Override
    public void onError(Throwable t) {
        if (done) {
            return;
        }
        error = t;
        done = true;
        drain();
    }

    @Override
    public void onComplete() {
        done = true;
        drain();
    }

    @Override
    public void subscribe(CoreSubscriber<? super Segment> s) {
        if (actual != null) {
            Operators.error(s, new IllegalStateException("a response body is subscribed once"));
            return;
        }
        s.onSubscribe(this);
        actual = s;
        drain();
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            Operators.addCap(REQUESTED, this, n);
            drain();
        }
    }

    @Override
    public void cancel() {
        discard();
    }

    /** Cancels the source and releases what it produced (also when no writer ever subscribed). */
    void discard() {
        if (!cancelled) {
            cancelled = true;
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            drain();
        }
    }

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        do {
            if (cancelled) {
                for (Segment s; (s = queue.poll()) != null; ) {
                    s.release();
                }
            } else {
                CoreSubscriber<? super Segment> a = actual;
                if (a != null) {
                    long r = requested;
                    long e = 0;
                    while (e != r && !cancelled) {
                        boolean d = done;
                        Segment s = queue.poll();
                        if (s == null) {
                            if (d) {
                                terminate(a);
                                return;
                            }
                            break;
                        }
                        a.onNext(s);
                        e++;
                        if (++consumed == limit) {
                            consumed = 0;
                            upstream.request(limit);
                        }
                    }
                    if (e == r && !cancelled && done && queue.isEmpty()) {
                        terminate(a);
                        return;
                    }
                    if (e != 0) {
                        REQUESTED.addAndGet(this, -e);
                    }
                }
            }
            missed = WIP.addAndGet(this, -missed);
        } while (missed != 0);
    }

    private void terminate(CoreSubscriber<? super Segment> a) {
        cancelled = true; // nothing more goes out; a late segment is released
        Throwable t = error;
        if (t != null) {
            a.onError(t);
        } else {
            a.onComplete();
        }
    }
}
