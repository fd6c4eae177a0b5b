package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

/**
 * The receive side of a bind (segments of a stream, datagrams of a datagram bind) as a Reactive Streams publisher with one subscriber. Demand is credit:
 * each delivered segment consumes one; with none left the bind turns read interest off. Signals
 * are emitted on the bind's loop. {@code request} and {@code cancel} may come from any thread.
 */
final class ReceivePublisher<T> implements Publisher<T>, Subscription {
    private final ReceiveSource bind;
    private final java.util.function.Consumer<? super T> discard;
    private final AtomicLong requested = new AtomicLong();
    /** Cleared on cancel and on termination (§3.13: drop the subscriber once cancelled). */
    private volatile Subscriber<? super T> subscriber;
    private boolean subscribedOnce;
    private volatile boolean cancelled;
    /** Loop-confined: a terminal signal was sent (or is pending until subscription). */
    private boolean done;
    private Throwable pendingError;
    private boolean pendingComplete;

    ReceivePublisher(ReceiveSource bind, java.util.function.Consumer<? super T> discard) {
        this.bind = bind;
        this.discard = discard;
    }

    @Override
    public void subscribe(Subscriber<? super T> s) {
        synchronized (this) {
            if (subscribedOnce) {
                Operators.error(s, new IllegalStateException("Bind.receive() allows one subscriber; " + bind
                        + " already has one"));
                return;
            }
            subscribedOnce = true;
        }
        s.onSubscribe(this);
        // §1.3: only now may the loop signal it (a request made inside onSubscribe is served here).
        if (!cancelled) {
            subscriber = s;
        }
        bind.onLoop(() -> {
            replayTerminal();
            if (wantsData()) {
                bind.resumeReading();
            }
        });
    }

    private void replayTerminal() {
        if (pendingError != null) {
            Throwable e = pendingError;
            pendingError = null;
            fail(e);
        } else if (pendingComplete) {
            pendingComplete = false;
            complete();
        }
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            // §3.9: an error, signalled on the loop like every other signal, then no more reading.
            Subscriber<? super T> s = subscriber;
            if (s != null) {
                bind.onLoop(() -> {
                    if (!done && !cancelled) {
                        done = true;
                        cancelled = true;
                        subscriber = null;
                        s.onError(new IllegalArgumentException("§3.9 violated: request(" + n + "), must be > 0"));
                    }
                    bind.receiveCancelled();
                });
            }
            return;
        }
        long before = requested.getAndAccumulate(n, Operators::addCap);
        if (before == 0) {
            if (bind.loop().inLoop()) {
                bind.resumeReading();
            } else {
                bind.demandFromAnotherThread();
            }
        }
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            subscriber = null;
            bind.onLoop(bind::receiveCancelled);
        }
    }

    /** Loop: how many elements may be delivered now (0 when cancelled or done). */
    long credit() {
        return wantsData() ? requested.get() : 0;
    }

    /** Loop: whether a read may be delivered now. */
    boolean wantsData() {
        return !cancelled && !done && subscriber != null && requested.get() > 0;
    }

    /** Loop: hands an element to the subscriber (ownership moves with it). */
    void deliver(T s) {
        Subscriber<? super T> sub = subscriber;
        if (cancelled || done || sub == null) {
            discard.accept(s);
            return;
        }
        if (requested.get() != Long.MAX_VALUE) {
            requested.decrementAndGet();
        }
        sub.onNext(s);
    }

    /** Loop: end of stream. */
    void complete() {
        terminate(null);
    }

    /** Loop: the connection failed. */
    void fail(Throwable e) {
        terminate(e);
    }

    /** Loop: the one terminal signal; kept for later if nobody subscribed yet, dropped if cancelled. */
    private void terminate(Throwable error) {
        if (done) {
            return;
        }
        if (cancelled) {
            done = true;
            return;
        }
        Subscriber<? super T> sub = subscriber;
        if (sub == null) {
            if (error != null) {
                pendingError = error;
            } else {
                pendingComplete = true;
            }
            return;
        }
        done = true;
        subscriber = null;
        if (error != null) {
            sub.onError(error);
        } else {
            sub.onComplete();
        }
    }
}
