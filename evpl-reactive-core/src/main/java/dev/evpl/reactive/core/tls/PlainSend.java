package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.internal.bind.SendCompletion;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@code send} of plaintext on a {@link EngineBind}, in one object: the {@code Mono}'s
 * subscription (a {@link SendCompletion}), the subscriber of the application's publisher (its
 * signals moved onto the bind's loop) and the bookkeeping of where its records end. A send of one
 * segment has no publisher: the segment is queued when the Mono is subscribed. Requests a few
 * segments at a time, only while the bind's ciphertext backlog is under its limit. Loop-confined
 * except the subscriber methods, which hop.
 */
final class PlainSend extends SendCompletion<Completion> implements CoreSubscriber<Segment> {
    private static final int PREFETCH = 8;

    private final EngineBind bind;
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

    private PlainSend(EngineBind bind, PlainSends queue, CoreSubscriber<? super Completion> actual) {
        super(actual, Completion::new);
        this.bind = bind;
        this.queue = queue;
    }

    /** The lazy {@code Mono} of a send of {@code data}, or of the single segment {@code one}. */
    static Mono<Completion> mono(EngineBind bind, PlainSends queue, Publisher<Segment> data, Segment one) {
        return new SendMono(bind, queue, data, one);
    }

    /** Each subscription is one send: a {@link PlainSend} joins the bind's sends on its loop. */
    private static final class SendMono extends Mono<Completion> {
        private final EngineBind bind;
        private final PlainSends queue;
        private final Publisher<Segment> data;
        private final Segment one;

        SendMono(EngineBind bind, PlainSends queue, Publisher<Segment> data, Segment one) {
            this.bind = bind;
            this.queue = queue;
            this.data = data;
            this.one = one;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Completion> actual) {
            PlainSend s = new PlainSend(bind, queue, actual);
            actual.onSubscribe(s);
            bind.onLoop(() -> s.start(data, one));
        }
    }

    /** Loop: joins the bind's sends (unless it cannot take any), then takes the plaintext. */
    private void start(Publisher<Segment> data, Segment one) {
        Throwable refused = bind.sendRefusal();
        if (refused != null) {
            if (one != null) {
                one.release();
            }
            failSend(refused);
            return;
        }
        queue.add(this);
        if (one == null) {
            Flux.from(data).subscribe(this);
            return;
        }
        sourceDone = true;
        outstanding++;
        arrived(one);
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
                failSend(t);
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
    void failSend(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        if (subscription != null && !sourceDone) {
            subscription.cancel();
        }
        fail(cause);
    }

    /** Loop: all of its records were written by the underlying bind. */
    void completeSend() {
        finished = true;
        completed(bytes, messages);
    }
}
