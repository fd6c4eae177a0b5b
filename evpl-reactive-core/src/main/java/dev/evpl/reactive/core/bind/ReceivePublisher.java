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
    private volatile Subscriber<? super T> subscriber;
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
            if (subscriber != null) {
                Operators.error(s, new IllegalStateException("Bind.receive() allows one subscriber; " + bind
                        + " already has one"));
                return;
            }
            subscriber = s;
        }
        s.onSubscribe(this);
        // A terminal event that happened before anyone subscribed is replayed on the loop.
        bind.onLoop(this::replayTerminal);
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
            cancel();
            Subscriber<? super T> s = subscriber;
            if (s != null) {
                s.onError(new IllegalArgumentException("§3.9 violated: request(" + n + "), must be > 0"));
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
        if (done) {
            return;
        }
        Subscriber<? super T> sub = subscriber;
        if (sub == null) {
            pendingComplete = true;
            return;
        }
        done = true;
        if (!cancelled) {
            sub.onComplete();
        }
    }

    /** Loop: the connection failed. */
    void fail(Throwable e) {
        if (done) {
            return;
        }
        Subscriber<? super T> sub = subscriber;
        if (sub == null) {
            pendingError = e;
            return;
        }
        done = true;
        if (!cancelled) {
            sub.onError(e);
        }
    }
}
