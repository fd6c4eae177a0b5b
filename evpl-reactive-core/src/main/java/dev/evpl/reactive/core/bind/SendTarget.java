package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;

/** Where a {@link SendOp} puts its segments: a socket's send queue, or an in-process peer. Loop-confined. */
interface SendTarget {
    EventLoop loop();

    /** Takes ownership of {@code s}; {@code callback} hears when it was written (or failed). */
    void enqueue(Segment s, SendCallback callback);

    /** Bytes taken but not yet written (or not yet read by an in-process peer). */
    int unsentBytes();

    /** Whether the target is closed. */
    boolean isClosedOnLoop();

    /** {@code op} stopped requesting at the high-water mark; call its {@code requestMore()} once there is room. */
    default void awaitRoom(SendOp op) {
    }
}
