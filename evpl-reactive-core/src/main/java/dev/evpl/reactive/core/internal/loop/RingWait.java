package dev.evpl.reactive.core.internal.loop;

/**
 * A loop's kernel wait done by its io_uring ring instead of epoll: one {@code io_uring_enter}
 * submits the pass's operations and waits for completions, the epoll set being one of the ring's
 * pollable files. Returns how many epoll entries are ready (read with the poller's accessors).
 * Loop-confined.
 */
@FunctionalInterface
public interface RingWait {
    /** Waits as {@link Poller#waitFor} does, epoll readiness reported through {@code epoll}. */
    int waitFor(long timeoutNanos, Poller epoll);
}
