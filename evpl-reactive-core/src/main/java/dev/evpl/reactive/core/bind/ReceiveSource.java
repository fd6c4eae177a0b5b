package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;

/** What a {@link ReceivePublisher} needs from its bind. */
interface ReceiveSource {
    EventLoop loop();

    /** Loop: credit is available; turn reading back on. */
    void resumeReading();

    /** Loop: the subscriber cancelled; stop reading. */
    void receiveCancelled();

    /** Any thread other than the loop: credit arrived; wake the loop (allocation-free). */
    void demandFromAnotherThread();

    /** Runs {@code action} on the loop (now if already there; dropped if the loop is gone). */
    void onLoop(Runnable action);
}
