package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.buffer.Segment;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Sinks;

/**
 * One {@code send(Publisher)} of plaintext on a {@link EngineBind}: it subscribes to the
 * application's publisher, moves its signals onto the bind's loop, and holds the segments until
 * the bind wraps them into records. Requests a few segments at a time, only while the bind's
 * ciphertext backlog is under its limit. Loop-confined except the subscriber methods, which hop.
 */
final class PlainSend implements CoreSubscriber<Segment> {
    private static final int PREFETCH = 8;

    private final EngineBind bind;
    final Sinks.One<Completion> result = Sinks.one();
    private final PlainSends queue;
    /** Segments of this send in the queue, not yet wrapped. */
    int queued;
    private Subscription subscription;
    private int outstanding;
    /** The publisher completed (loop view). */
    boolean sourceDone;
    /** Plaintext bytes and segments taken from the publisher. */
    long bytes;
    long messages;
    /** Ciphertext segments queued when this send's latest segment was wrapped. */
    long lastRecordAt = -1;
    /** Records of this send end at this many ciphertext segments queued (set once it is all wrapped). */
    long sealedAt = -1;
    boolean finished;

    PlainSend(EngineBind bind, PlainSends queue) {
        this.bind = bind;
        this.queue = queue;
    }

    @Override
    public void onSubscribe(Subscription s) {
        bind.onLoop(() -> {
            subscription = s;
            if (finished) {
                s.cancel();
                return;
            }
            bind.pump();
        });
    }

    @Override
    public void onNext(Segment segment) {
        if (bind.inLoop()) {
            arrived(segment); // a publisher on the loop: no task object per segment
        } else {
            bind.onLoop(() -> arrived(segment));
        }
    }

    private void arrived(Segment segment) {
        outstanding--;
        if (finished) {
            segment.release();
            return;
        }
        queue.arrived(this, segment);
        bytes += segment.readableBytes();
        messages++;
        bind.pump();
    }

    @Override
    public void onError(Throwable t) {
        bind.onLoop(() -> {
            if (!finished) {
                fail(t);
                bind.pump();
            }
        });
    }

    @Override
    public void onComplete() {
        bind.onLoop(() -> {
            sourceDone = true;
            bind.pump();
        });
    }

    /** Loop: asks for more plaintext while fewer than {@link #PREFETCH} are pending or asked for. */
    void requestMore() {
        if (subscription == null || sourceDone || finished) {
            return;
        }
        int want = PREFETCH - outstanding - queued;
        if (want > 0) {
            outstanding += want;
            subscription.request(want);
        }
    }

    /** Loop: everything taken was wrapped and the publisher is done. */
    boolean drained() {
        return sourceDone && queued == 0;
    }

    /** Loop: fails this send; its segments still queued are released when the queue reaches them. */
    void fail(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        if (subscription != null && !sourceDone) {
            subscription.cancel();
        }
        result.tryEmitError(cause);
    }

    /** Loop: all of its records were written by the underlying bind. */
    void complete() {
        finished = true;
        result.tryEmitValue(new Completion(bytes, messages));
    }
}
