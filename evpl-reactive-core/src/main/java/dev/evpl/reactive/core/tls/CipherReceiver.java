package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.Segment;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Takes an {@link EngineBind}'s ciphertext from the bind underneath, one segment per request (the
 * bind asks only when a record is incomplete). Signals hop onto the bind's loop.
 */
final class CipherReceiver implements CoreSubscriber<Segment> {
    private final EngineBind bind;

    CipherReceiver(EngineBind bind) {
        this.bind = bind;
    }

    @Override
    public void onSubscribe(Subscription s) {
        bind.onLoop(() -> bind.cipherSubscribed(s));
    }

    @Override
    public void onNext(Segment segment) {
        if (bind.inLoop()) {
            bind.cipherArrived(segment); // the usual case: no task object per segment
        } else {
            bind.onLoop(() -> bind.cipherArrived(segment));
        }
    }

    @Override
    public void onError(Throwable t) {
        bind.onLoop(() -> bind.fail(t));
    }

    @Override
    public void onComplete() {
        bind.onLoop(bind::cipherEnded);
    }
}
