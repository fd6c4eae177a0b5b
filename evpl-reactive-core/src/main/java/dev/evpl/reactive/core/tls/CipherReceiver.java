package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.Segment;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Takes an {@link EngineBind}'s ciphertext from the bind underneath, one segment per request (the
 * bind asks only when a record is incomplete). Signals hop onto the bind's loop; the subscription
 * and the request in flight are loop-confined.
 */
final class CipherReceiver implements CoreSubscriber<Segment> {
    private final EngineBind bind;
    private Subscription subscription;
    /** A segment was asked for and has not come yet. */
    private boolean requested;

    CipherReceiver(EngineBind bind) {
        this.bind = bind;
    }

    /** Loop: asks the bind underneath for one more segment, unless one is on its way (or not subscribed yet). */
    void request() {
        if (!requested && subscription != null) {
            requested = true;
            subscription.request(1);
        }
    }

    /** Loop: stops receiving. */
    void cancel() {
        if (subscription != null) {
            subscription.cancel();
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        bind.onLoop(() -> {
            subscription = s;
            bind.cipherSubscribed();
        });
    }

    @Override
    public void onNext(Segment segment) {
        if (bind.inLoop()) {
            arrived(segment); // the usual case: no task object per segment
        } else {
            bind.onLoop(() -> arrived(segment));
        }
    }

    private void arrived(Segment segment) {
        requested = false;
        bind.cipherArrived(segment);
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
