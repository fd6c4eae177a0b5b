package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.internal.bind.SegmentSink;

/**
 * Where a {@link SendOp} puts its segments: a socket's send queue, or an in-process peer. The
 * {@link SegmentSink} half is what TLS hands its records to. Loop-confined.
 */
interface SendTarget extends SegmentSink {
    /** Whether the target is closed. */
    boolean isClosedOnLoop();

    /** {@code op} stopped requesting at the high-water mark; call its {@code requestMore()} once there is room. */
    default void awaitRoom(SendOp op) {
    }
}
