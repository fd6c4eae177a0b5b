package dev.evpl.reactive.core;

/**
 * An entry of a loop's timer heap: a deadline on the loop's clock, an optional period, and the
 * position in the heap. Loop-confined once armed.
 */
abstract class TimerNode extends LoopNode {
    /** Not in the heap. */
    static final int IDLE = -1;
    /** Taken off the heap this pass, its callback still to run. */
    static final int DUE = -2;
    /** A periodic timer whose callback is running; re-armed afterwards unless removed or re-armed. */
    static final int FIRING = -3;

    /**
     * Longest delay a deadline is set at (about 146 years): later ones are saturated to it, so
     * {@code now + delay} never overflows and deadlines compare by difference, wrap-safe, whatever
     * the clock's origin (a {@code Long.MAX_VALUE} delay must wait, not fire at once).
     */
    static final long MAX_DELAY = Long.MAX_VALUE >> 1;

    /** {@code now + delay}, the delay clamped to 0 .. {@link #MAX_DELAY}. */
    static long deadlineAfter(long now, long delayNanos) {
        return now + Math.min(Math.max(0, delayNanos), MAX_DELAY);
    }

    long deadline;
    /** Period in nanoseconds; 0 for one-shot. */
    long interval;
    /** Arming order, breaks deadline ties so equal deadlines fire first-armed first. */
    long seq;
    int heapIndex = IDLE;

    /** The timer's callback; runs on the loop thread. */
    abstract void fire();

    /** Whether the node may be dropped from the heap without firing (a cancelled task). */
    boolean isCancelled() {
        return false;
    }

    final boolean isArmedOrDue() {
        return heapIndex >= 0 || heapIndex == DUE;
    }
}
