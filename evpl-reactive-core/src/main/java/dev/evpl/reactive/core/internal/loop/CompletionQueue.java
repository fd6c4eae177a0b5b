package dev.evpl.reactive.core.internal.loop;

/**
 * Completions a loop reaps besides descriptor readiness: its io_uring ring, as seen by the epoll
 * handler when the loop waits in epoll (the ring then signals an eventfd there). Loop thread.
 */
@FunctionalInterface
public interface CompletionQueue {
    /**
     * Runs the completions that are in memory (entering the kernel only when it flagged deferred
     * completion work); returns how many ran.
     */
    int reap();
}
