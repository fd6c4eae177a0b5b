package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.ArrayDeque;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * An {@link EngineBind}'s decrypted stream: one subscriber; its credit decides decryption (the
 * bind unwraps only while {@link #demand} is positive). Signals on the bind's loop; loop-confined
 * except the Subscription methods, which hop.
 */
final class PlainReceive extends Flux<Segment> implements Subscription {
    private final EngineBind bind;
    private CoreSubscriber<? super Segment> actual;
    long demand;
    boolean done;
    private Throwable error;
    /** Decrypted segments waiting for credit (or for a subscriber). */
    private final ArrayDeque<Segment> ready = new ArrayDeque<>();

    PlainReceive(EngineBind bind) {
        this.bind = bind;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Segment> subscriber) {
        bind.onLoop(() -> {
            if (actual != null) {
                Operators.error(subscriber,
                        new IllegalStateException("a TLS bind's receive takes one subscriber"));
                return;
            }
            actual = subscriber;
            subscriber.onSubscribe(this);
            if (done && (error != null || ready.isEmpty())) {
                signalEnd(); // else the end follows the decrypted segments (deliver)
            }
        });
    }

    @Override
    public void request(long n) {
        bind.onLoop(() -> {
            if (n <= 0) {
                fail(new IllegalArgumentException("§3.9: request must be positive, got " + n));
                return;
            }
            demand = Operators.addCap(demand, n);
            bind.pump();
        });
    }

    @Override
    public void cancel() {
        bind.onLoop(() -> {
            demand = 0;
            done = true;
            actual = null;
            dropReady();
        });
    }

    void emit(Segment s) {
        if (actual == null) {
            s.release();
            return;
        }
        actual.onNext(s);
    }

    void complete() {
        if (!done) {
            done = true;
            if (ready.isEmpty()) {
                signalEnd();
            }
        }
    }

    void fail(Throwable t) {
        if (!done) {
            done = true;
            error = t;
            signalEnd();
        }
    }

    void signalEnd() {
        CoreSubscriber<? super Segment> a = actual;
        if (a == null) {
            return;
        }
        actual = null;
        if (error != null) {
            a.onError(error);
        } else {
            a.onComplete();
        }
    }

    /** Where the bind puts what it decrypted. */
    ArrayDeque<Segment> ready() {
        return ready;
    }

    /** Hands decrypted segments to the subscriber as far as its credit goes; the end follows the last. */
    void drain() {
        while (demand > 0 && !ready.isEmpty()) {
            demand--;
            emit(ready.poll());
        }
        if (done && ready.isEmpty()) {
            signalEnd();
        }
    }

    /** Releases the decrypted segments nobody took (the subscriber cancelled, the bind closed). */
    void dropReady() {
        Segment s;
        while ((s = ready.poll()) != null) {
            s.release();
        }
    }
}
