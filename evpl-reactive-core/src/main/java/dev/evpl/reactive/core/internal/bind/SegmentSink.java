package dev.evpl.reactive.core.internal.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;

/**
 * A stream bind's send queue, reached without the Reactive Streams machinery: what a layered
 * transport (TLS) uses to hand its records down one by one, each with a callback, in the order
 * they must go out. Every built-in stream bind is one. Loop-confined: call {@link #enqueue} on
 * {@link #loop()} only.
 */
public interface SegmentSink {
    /** The loop that owns the queue. */
    EventLoop loop();

    /**
     * Loop: takes ownership of {@code s} and queues it behind everything queued before (by this
     * method or by any send of the bind); the bind writes it in its once-per-pass flush.
     * {@code callback} hears when it was written, or fails at once if the bind is closed.
     */
    void enqueue(Segment s, SendCallback callback);

    /** Loop: bytes taken but not yet written (or not yet read by an in-process peer). */
    int unsentBytes();
}
