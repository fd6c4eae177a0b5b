package dev.evpl.reactive.core.bind;

/** Who is told when a queued segment was written or the bind failed. Called on the loop. */
interface SendCallback {
    /** One segment of {@code bytes} was fully handed to the kernel. */
    void written(int bytes);

    /** The bind failed or closed before it was written. */
    void fail(Throwable cause);
}
