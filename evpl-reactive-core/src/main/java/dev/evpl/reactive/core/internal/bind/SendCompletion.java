package dev.evpl.reactive.core.internal.bind;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

/**
 * The subscription of a send's {@code Mono<Completion>} without a sink: the value is emitted when
 * the send was written <em>and</em> the subscriber requested (whichever comes second), on that
 * thread. Also a {@link SendCallback} for a send of one segment. Extended by sends that keep more
 * state (TLS), so one object per send is the subscription and the bookkeeping. Thread-safe: the
 * loop completes, any thread requests or cancels.
 */
public class SendCompletion<T> implements Subscription, SendCallback {
    private static final AtomicIntegerFieldUpdater<SendCompletion<?>> STATE =
            newUpdater();
    private static final int REQUESTED = 1;
    private static final int WRITTEN = 2;
    private static final int DONE = 4;
    /** The value emitted, made from what was written (a {@code Completion} constructor). */
    @FunctionalInterface
    public interface Result<T> {
        T of(long bytes, long messages);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicIntegerFieldUpdater<SendCompletion<?>> newUpdater() {
        return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(SendCompletion.class, "state");
    }

    private final CoreSubscriber<? super T> actual;
    private final Result<T> result;
    private volatile int state;
    private long bytes;
    private long messages;

    /** {@code actual} is the Mono's subscriber (call its {@code onSubscribe(this)} yourself); {@code result} makes the value. */
    public SendCompletion(CoreSubscriber<? super T> actual, Result<T> result) {
        this.actual = actual;
        this.result = result;
    }

    @Override
    public final void request(long n) {
        if (Operators.validate(n) && transition(REQUESTED)) {
            emit();
        }
    }

    /** Cancelling drops the notification only: what was handed over still goes out. */
    @Override
    public void cancel() {
        STATE.getAndUpdate(this, s -> s | DONE);
    }

    @Override
    public final void written(int bytes) {
        completed(bytes, 1);
    }

    /** The send is written: {@code bytes} in {@code messages} segments. */
    public final void completed(long bytes, long messages) {
        this.bytes = bytes; // published by the state CAS below
        this.messages = messages;
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
        actual.onNext(result.of(bytes, messages));
        actual.onComplete();
    }

    @Override
    public final void fail(Throwable cause) {
        int s = STATE.getAndUpdate(this, v -> v | DONE);
        if ((s & DONE) == 0) {
            actual.onError(cause);
        }
    }
}
