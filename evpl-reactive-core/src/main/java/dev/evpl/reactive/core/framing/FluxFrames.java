package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/** The framing operator's publisher (see {@link Framing}). */
final class FluxFrames extends Flux<Segment> {
    private final Flux<Segment> source;
    private final SegmentFunction fn;

    FluxFrames(Flux<Segment> source, SegmentFunction fn) {
        this.source = source;
        this.fn = fn;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Segment> actual) {
        source.subscribe(new FramingSubscriber(actual, fn));
    }

    /**
     * Requests one upstream segment at a time, only while downstream wants messages and the buffered
     * bytes hold no complete one. A work-in-progress counter serialises the drain, so {@code request}
     * may come from any thread.
     */
    static final class FramingSubscriber implements CoreSubscriber<Segment>, Subscription {
        private static final AtomicLongFieldUpdater<FramingSubscriber> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(FramingSubscriber.class, "requested");
        private static final AtomicIntegerFieldUpdater<FramingSubscriber> WIP =
                AtomicIntegerFieldUpdater.newUpdater(FramingSubscriber.class, "wip");

        private final CoreSubscriber<? super Segment> actual;
        private final SegmentFunction fn;
        private Subscription upstream;
        private volatile long requested;
        private volatile int wip;
        private volatile Segment arrived;
        private volatile boolean done;
        private Throwable error;
        private volatile boolean cancelled;
        /** Drain-confined. */
        private Segment pending;
        private boolean awaiting;
        private boolean terminated;

        FramingSubscriber(CoreSubscriber<? super Segment> actual, SegmentFunction fn) {
            this.actual = actual;
            this.fn = fn;
        }

        @Override
        public reactor.util.context.Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(Segment segment) {
            if (done || cancelled) {
                segment.release();
                return;
            }
            arrived = segment;
            drain();
        }

        @Override
        public void onError(Throwable t) {
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
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                upstream.cancel();
                drain();
            }
        }

        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                if (!terminated) {
                    drainOnce();
                } else {
                    // A segment can arrive after the end: onNext passed its check while a cancel on
                    // another thread terminated. Nobody will read it: release it here, under WIP.
                    releaseAll();
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void drainOnce() {
            if (cancelled) {
                releaseAll();
                terminated = true;
                return;
            }
            Segment a = arrived;
            if (a != null) {
                arrived = null;
                awaiting = false;
                pending = pending == null ? a : Segment.composite(List.of(pending, a));
            }
            long r = requested;
            long emitted = 0;
            boolean needMore = true;
            while (pending != null) {
                if (emitted == r) {
                    // Demand may have grown meanwhile (a subscriber requesting from inside onNext):
                    // read it again, or complete frames still buffered would look like a cut message.
                    r = requested;
                    if (emitted == r) {
                        break;
                    }
                }
                int length;
                try {
                    length = fn.frame(pending);
                } catch (FramingException e) {
                    reject(e);
                    return;
                } catch (RuntimeException e) {
                    reject(new FramingException("segment function failed: " + e));
                    return;
                }
                if (length < 0) {
                    reject(new FramingException("segment function rejected the stream (code " + length + ")"));
                    return;
                }
                int have = pending.readableBytes();
                if (length == 0 || length > have) {
                    break;
                }
                Segment message;
                if (length == have) {
                    message = pending;
                    pending = null;
                } else {
                    message = pending.slice(0, length);
                    Segment rest = pending.slice(length, have - length);
                    pending.release();
                    pending = rest;
                }
                actual.onNext(message);
                emitted++;
                if (cancelled) {
                    releaseAll();
                    terminated = true;
                    return;
                }
            }
            if (emitted != 0 && r != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -emitted);
            }
            if (pending != null && emitted == r && r != 0) {
                needMore = false; // demand met; the buffered bytes wait for the next request
            }
            if (done && arrived == null) {
                terminated = true;
                Throwable e = error;
                if (e != null) {
                    releaseAll();
                    actual.onError(e);
                } else if (pending != null && pending.readableBytes() > 0 && requested > 0) {
                    int left = pending.readableBytes();
                    releaseAll();
                    actual.onError(new FramingException("stream ended inside a message: " + left + " bytes buffered"));
                } else if (pending == null || requested > 0) {
                    releaseAll();
                    actual.onComplete();
                } else {
                    terminated = false; // complete messages wait for demand before completion
                }
                return;
            }
            if (needMore && requested > 0 && !awaiting) {
                awaiting = true;
                upstream.request(1);
            }
        }

        private void reject(FramingException e) {
            terminated = true;
            upstream.cancel();
            releaseAll();
            actual.onError(e);
        }

        private void releaseAll() {
            if (pending != null) {
                pending.release();
                pending = null;
            }
            Segment a = arrived;
            if (a != null) {
                arrived = null;
                a.release();
            }
        }
    }
}
