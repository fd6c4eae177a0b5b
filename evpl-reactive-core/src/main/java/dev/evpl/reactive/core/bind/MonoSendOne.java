package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * {@link Bind#send(Segment)} without the publisher machinery: one object is the Mono's
 * subscription and the queue's callback, so the per-message path allocates it, the Mono and the
 * {@link Completion}. The segment is queued on subscription; a Mono never subscribed never takes
 * the segment (release it yourself), as with any lazy send.
 */
final class MonoSendOne extends Mono<Completion> {
    private final SendTarget bind;
    private final Segment data;

    MonoSendOne(SendTarget bind, Segment data) {
        this.bind = bind;
        this.data = data;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Completion> actual) {
        Op op = new Op(actual);
        actual.onSubscribe(op);
        if (bind.loop().inLoop()) {
            bind.enqueue(data, op);
        } else {
            try {
                bind.loop().schedule(() -> bind.enqueue(data, op));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                data.release();
                op.fail(new IllegalStateException("the bind's event loop is disposed", e));
            }
        }
    }

    /**
     * Subscription and send callback in one. The value is emitted when the segment was written
     * <em>and</em> the subscriber requested (whichever comes second), on that thread.
     */
    static final class Op implements org.reactivestreams.Subscription, SendCallback {
        private static final AtomicIntegerFieldUpdater<Op> STATE = AtomicIntegerFieldUpdater.newUpdater(Op.class, "state");
        private static final int REQUESTED = 1;
        private static final int WRITTEN = 2;
        private static final int DONE = 4;
        private final CoreSubscriber<? super Completion> actual;
        private volatile int state;
        private int bytes;

        Op(CoreSubscriber<? super Completion> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n) && transition(REQUESTED)) {
                emit();
            }
        }

        @Override
        public void cancel() {
            // Queued segments still go out; cancelling only drops the notification.
            STATE.getAndUpdate(this, s -> s | DONE);
        }

        @Override
        public void written(int bytes) {
            this.bytes = bytes; // published by the state CAS below
            if (transition(WRITTEN)) {
                emit();
            }
        }

        /** Adds {@code bit}; true when this call completed REQUESTED|WRITTEN (and so must emit). */
        private boolean transition(int bit) {
            for (;;) {
                int s = state;
                if ((s & (bit | DONE)) != 0) {
                    return false;
                }
                int next = s | bit;
                boolean ready = (next & (REQUESTED | WRITTEN)) == (REQUESTED | WRITTEN);
                if (STATE.compareAndSet(this, s, ready ? next | DONE : next)) {
                    return ready;
                }
            }
        }

        private void emit() {
            actual.onNext(new Completion(bytes, 1));
            actual.onComplete();
        }

        @Override
        public void fail(Throwable cause) {
            int s = STATE.getAndUpdate(this, v -> v | DONE);
            if ((s & DONE) == 0) {
                actual.onError(cause);
            }
        }
    }
}
