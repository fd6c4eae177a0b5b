package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.Segment;
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
            if (done && (error != null || bind.readyEmpty())) {
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
            bind.dropReady();
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
            if (bind.readyEmpty()) {
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
}
