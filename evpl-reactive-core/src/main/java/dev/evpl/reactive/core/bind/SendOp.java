package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.internal.bind.SendCallback;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One {@link Bind#send} call: subscribes to the application's publisher, requests in batches only
 * while the bind's unsent bytes are under {@link #HIGH_WATER}, queues what arrives and completes
 * with the {@link Completion} once the publisher completed and every segment was written.
 * Counters are loop-confined; signals may arrive on any thread and hop onto the loop in order.
 */
final class SendOp implements CoreSubscriber<Segment>, SendCallback {
    static final int BATCH = 32;
    static final int HIGH_WATER = 1 << 20;

    private final SendTarget bind;
    private final MonoSink<Completion> sink;
    private volatile Subscription upstream;
    /** Signals handed to the loop but not yet run there: completion waits for them (ordering). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private int outstanding;
    private int pending;
    private long bytes;
    private long messages;
    private boolean upstreamDone;
    private boolean finished;

    /** Segments that operators drop (a cancelled {@code Mono.just}, a filtered element) are released. */
    private static final java.util.function.Consumer<Object> RELEASE_DISCARDED = o -> {
        if (o instanceof Segment s && s.refCnt() > 0) {
            s.release();
        }
    };

    private final Context context;

    SendOp(SendTarget bind, MonoSink<Completion> sink) {
        this.bind = bind;
        this.sink = sink;
        this.context = Operators.enableOnDiscard(Context.of(sink.contextView()), RELEASE_DISCARDED);
    }

    @Override
    public Context currentContext() {
        return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
        java.util.Objects.requireNonNull(s, "onSubscribe(null): rule 2.13");
        // Rule 2.5: a second subscription is cancelled, never requested from (the TCK saw a request
        // on it when the first one's request hop read the field after it was overwritten).
        if (!reactor.core.publisher.Operators.validate(upstream, s)) {
            return;
        }
        upstream = s;
        sink.onCancel(() -> {
            s.cancel();
            onLoop(() -> finished = true);
        });
        onLoop(this::requestMore);
    }

    @Override
    public void onNext(Segment segment) {
        java.util.Objects.requireNonNull(segment, "onNext(null): rule 2.13");
        if (onLoopInOrder()) {
            arrived(segment);
        } else {
            inFlight.incrementAndGet();
            hop(() -> {
                inFlight.decrementAndGet();
                arrived(segment);
            }, segment);
        }
    }

    @Override
    public void onError(Throwable t) {
        java.util.Objects.requireNonNull(t, "onError(null): rule 2.13");
        if (onLoopInOrder()) {
            fail(t);
            return;
        }
        inFlight.incrementAndGet();
        hop(() -> {
            inFlight.decrementAndGet();
            fail(t);
        }, null);
    }

    @Override
    public void onComplete() {
        if (onLoopInOrder()) {
            // On the loop with nothing still hopping: no task needed (the per-message path).
            upstreamDone = true;
            maybeComplete();
            return;
        }
        inFlight.incrementAndGet();
        hop(() -> {
            inFlight.decrementAndGet();
            upstreamDone = true;
            maybeComplete();
        }, null);
    }

    /**
     * On the loop, with none of this op's signals still hopping and nothing handed over to the loop
     * ahead of it (another thread's send): a signal may be handled directly, in order.
     */
    private boolean onLoopInOrder() {
        dev.evpl.reactive.core.EventLoop loop = bind.loop();
        return loop.inLoop() && inFlight.get() == 0 && !loop.hasPendingHandOvers();
    }

    private void onLoop(Runnable action) {
        if (bind.loop().inLoop()) {
            action.run();
        } else {
            hop(action, null);
        }
    }

    private void hop(Runnable action, Segment carried) {
        // Refused, or dropped unrun by a forced dispose: the carried segment goes back (the soak
        // found segments lost this way at shutdown), the send fails.
        bind.loop().handOver(action, () -> {
            if (carried != null) {
                carried.release();
            }
            sink.error(new IllegalStateException("the bind's event loop is disposed"));
        });
    }

    private void arrived(Segment segment) {
        outstanding--;
        if (finished) {
            segment.release();
            return;
        }
        pending++;
        bind.enqueue(segment.touch(bind), this); // the hint is rendered only if a leak is reported
    }

    /** Loop: one of this op's segments was fully written. */
    @Override
    public void written(int segmentBytes) {
        pending--;
        bytes += segmentBytes;
        messages++;
        maybeComplete();
        requestMore();
    }

    /** Loop: asks for more while the bind has room below the high-water mark. */
    void requestMore() {
        Subscription s = upstream;
        if (s == null || upstreamDone || finished) {
            return;
        }
        if (bind.isClosedOnLoop()) {
            fail(new IllegalStateException("bind closed: " + bind));
            return;
        }
        if (bind.unsentBytes() >= HIGH_WATER) {
            bind.awaitRoom(this);
        } else if (outstanding < BATCH / 2) {
            int n = BATCH - outstanding;
            outstanding += n;
            s.request(n);
        }
    }

    private void maybeComplete() {
        if (upstreamDone && pending == 0 && inFlight.get() == 0 && !finished) {
            finished = true;
            sink.success(new Completion(bytes, messages));
        }
    }

    /** Loop: the bind failed or closed; queued segments were released by the queue. */
    @Override
    public void fail(Throwable e) {
        if (!finished) {
            finished = true;
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            sink.error(e);
        }
    }
}
