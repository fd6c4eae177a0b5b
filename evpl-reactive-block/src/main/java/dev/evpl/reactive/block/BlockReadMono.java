package dev.evpl.reactive.block;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * {@link BlockQueue#read(long, int)}: one read, its segment handed to the subscriber or, when the
 * subscriber cancelled first (from any thread, at any moment), released. {@code Mono.create} cannot
 * promise that: a cancel landing between its state change and its disposal makes it drop the value
 * as "next dropped", which no discard hook sees (a leak found by {@code BlockCancelRaceTest}).
 *
 * <p>Exactly one of "emitted" and "released" happens: both claim the result by a bit of
 * {@link ReadSubscription#state}, set atomically.
 */
final class BlockReadMono extends Mono<Segment> {
    private final BlockQueue queue;
    private final long offset;
    private final int length;

    BlockReadMono(BlockQueue queue, long offset, int length) {
        this.queue = queue;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Segment> actual) {
        ReadSubscription s = new ReadSubscription(actual);
        actual.onSubscribe(s);
        try {
            BlockRequests.checkRange(queue.device(), "read", offset, length);
        } catch (RuntimeException e) {
            s.done(null, e);
            return;
        }
        if (queue.loop().inLoop()) {
            queue.admitRead(offset, length, s); // issued on the loop: admitted at once
            return;
        }
        // Refused, or dropped unrun by a forced dispose: the read fails (it holds nothing yet).
        queue.loop().handOver(() -> queue.admitRead(offset, length, s),
                () -> s.done(null, new IllegalStateException("the queue's event loop is disposed")));
    }

    /** Written by the loop (the result) and by the subscriber's threads (request, cancel). */
    static final class ReadSubscription implements Subscription, BlockQueue.ReadDone {
        private static final int REQUESTED = 1;
        private static final int HAS_RESULT = 2;
        private static final int CANCELLED = 4;
        private static final int EMITTED = 8;
        private static final AtomicIntegerFieldUpdater<ReadSubscription> STATE =
                AtomicIntegerFieldUpdater.newUpdater(ReadSubscription.class, "state");

        private final CoreSubscriber<? super Segment> actual;
        private volatile int state;
        // written before HAS_RESULT is set, read after it is seen: the volatile state orders them
        private Segment value;
        private Throwable error;

        ReadSubscription(CoreSubscriber<? super Segment> actual) {
            this.actual = actual;
        }

        @Override
        public void done(Segment data, Throwable failure) {
            value = data;
            error = failure;
            int prev = STATE.getAndUpdate(this, s -> s | HAS_RESULT);
            if ((prev & CANCELLED) != 0) {
                discard();
            } else if ((prev & REQUESTED) != 0 || failure != null) {
                emit();
            }
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            int prev = STATE.getAndUpdate(this, s -> s | REQUESTED);
            if ((prev & HAS_RESULT) != 0) {
                emit();
            }
        }

        @Override
        public void cancel() {
            int prev = STATE.getAndUpdate(this, s -> s | CANCELLED);
            if ((prev & (HAS_RESULT | CANCELLED | EMITTED)) == HAS_RESULT) {
                discard(); // arrived, not handed over: nobody else will take it
            }
        }

        private void emit() {
            for (;;) {
                int s = state;
                if ((s & (CANCELLED | EMITTED)) != 0) {
                    return;
                }
                if (STATE.compareAndSet(this, s, s | EMITTED)) {
                    break;
                }
            }
            Segment data = value;
            value = null;
            if (error != null) {
                actual.onError(error);
                return;
            }
            actual.onNext(data);
            actual.onComplete();
        }

        private void discard() {
            Segment data = value;
            value = null;
            if (data != null) {
                data.release();
            }
        }
    }
}
