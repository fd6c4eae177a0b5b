package dev.evpl.reactive.core;

/**
 * The time source of an event loop: deadlines of timers and the hybrid spin window follow it.
 *
 * <p>{@link #system()} is {@link System#nanoTime()}. A {@link VirtualClock} lets tests move time by
 * hand; a loop on a virtual clock sleeps in the kernel only until something wakes it (work, a
 * doorbell, or the clock being advanced), never for a real-time timeout.
 *
 * <p>Implementations must be safe to read from any thread.
 */
public interface LoopClock {

    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Whether this clock is advanced by hand rather than by real time. */
    default boolean isVirtual() {
        return false;
    }

    /** The real monotonic clock, {@link System#nanoTime()}. */
    static LoopClock system() {
        return SystemClock.INSTANCE;
    }
}

/** The default clock; a named class so the loop's hot path sees a monomorphic call. */
final class SystemClock implements LoopClock {
    static final SystemClock INSTANCE = new SystemClock();

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "LoopClock.system()";
    }
}
