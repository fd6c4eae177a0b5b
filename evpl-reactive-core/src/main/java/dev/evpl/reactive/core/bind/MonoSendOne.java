package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.internal.bind.SendCompletion;
import java.nio.ByteBuffer;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * {@link Bind#send(Segment)} without the publisher machinery: one object is the Mono's
 * subscription and the queue's callback, so the per-message path allocates it, the Mono and the
 * {@link Completion}. The segment is queued on subscription; a Mono never subscribed never takes
 * the segment (release it yourself), as with any lazy send.
 *
 * <p>The copying form ({@link Bind#send(ByteBuffer)} and friends) carries heap or direct bytes
 * instead: they are copied into a segment of the loop's allocator on the loop, at subscription
 * (the allocator is loop-confined, so an off-loop caller's bytes are copied by the hop's task).
 */
final class MonoSendOne extends Mono<Completion> {
    private final SendTarget bind;
    private final Segment data;
    private final ByteBuffer bytes;

    MonoSendOne(SendTarget bind, Segment data) {
        this.bind = bind;
        this.data = data;
        this.bytes = null;
    }

    MonoSendOne(SendTarget bind, ByteBuffer bytes) {
        this.bind = bind;
        this.data = null;
        this.bytes = bytes;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Completion> actual) {
        SendCompletion<Completion> op = new SendCompletion<>(actual, Completion::new);
        actual.onSubscribe(op);
        EventLoop loop = bind.loop();
        if (loop.inLoop() && !loop.hasPendingHandOvers()) {
            enqueue(op); // nothing handed over ahead of it: the fast path keeps the order
        } else {
            // Refused, or dropped by a forced dispose before it ran: the segment goes back, the send fails.
            loop.execute(() -> enqueue(op), () -> {
                if (data != null) {
                    data.release();
                }
                op.fail(new IllegalStateException("the bind's event loop is disposed"));
            });
        }
    }

    /**
     * Unsent bytes beyond which a one-segment send is refused. {@link Bind#send(Publisher)} stops
     * requesting at the 1 MiB high-water mark; a caller firing {@code send(Segment)} without waiting
     * for completions has no such brake, so the queue of a peer that does not read would grow until
     * the pool runs dry. Past this bound such a send fails at once with a message saying why.
     */
    static final int MAX_BACKLOG = 64 << 20;

    /** Loop: queues the segment, or a copy of the bytes in a fresh one. */
    private void enqueue(SendCompletion<Completion> op) {
        int backlog = bind.unsentBytes();
        if (backlog > MAX_BACKLOG) {
            if (data != null) {
                data.release();
            }
            op.fail(new IllegalStateException("send refused: " + backlog + " bytes already wait to be written (limit "
                    + MAX_BACKLOG + "), the peer is not reading; wait for sends to complete, or send a Publisher "
                    + "(its demand follows the socket)"));
            return;
        }
        if (data != null) {
            bind.enqueue(data, op);
            return;
        }
        Segment copy;
        try {
            copy = copyOf(bind.loop().allocator(), bytes);
        } catch (RuntimeException e) {
            op.fail(e);
            return;
        }
        bind.enqueue(copy, op);
    }

    /** Loop (the allocator's owner): a new segment holding the remaining bytes of {@code src}. */
    static Segment copyOf(dev.evpl.reactive.core.buffer.SegmentAllocator allocator, ByteBuffer src) {
        ByteBuffer from = src.duplicate();
        Segment s = allocator.allocate(from.remaining());
        for (int i = 0, n = s.sliceCount(); i < n; i++) {
            ByteBuffer to = s.asByteBuffer(i);
            ByteBuffer part = from.slice();
            part.limit(to.remaining());
            to.put(part);
            from.position(from.position() + s.sliceLength(i));
        }
        return s;
    }
}
