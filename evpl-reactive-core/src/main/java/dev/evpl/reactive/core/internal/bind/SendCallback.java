package dev.evpl.reactive.core.internal.bind;

/**
 * Who is told when a queued segment was written or the bind failed: one per segment handed to a
 * {@link SegmentSink}, or one shared by many (a layered transport's record queue). Called on the
 * bind's loop, in the order the segments were queued.
 */
public interface SendCallback {
    /** One segment of {@code bytes} was fully handed to the kernel (or to an in-process peer). */
    void written(int bytes);

    /** The bind failed or closed before it was written (called once per segment still queued). */
    void fail(Throwable cause);
}
