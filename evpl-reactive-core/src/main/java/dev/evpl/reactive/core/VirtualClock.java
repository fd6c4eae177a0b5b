package dev.evpl.reactive.core;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LoopClock} advanced by hand, for tests: timers and the spin window of every loop using
 * it follow {@link #advance}. Advancing wakes those loops so that timers now due fire promptly.
 *
 * <p>Thread-safe: may be read and advanced from any thread.
 */
public final class VirtualClock implements LoopClock {
    private final AtomicLong now;
    private final CopyOnWriteArrayList<EventLoop> loops = new CopyOnWriteArrayList<>();

    /** A clock starting at zero. */
    public VirtualClock() {
        this(0L);
    }

    /** A clock starting at {@code startNanos}. */
    public VirtualClock(long startNanos) {
        this.now = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    /** Moves time forward by {@code amount} (must not be negative) and wakes every loop using it. */
    public void advance(Duration amount) {
        advance(amount.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Moves time forward by {@code amount} {@code unit}s (must not be negative) and wakes the loops. */
    public void advance(long amount, TimeUnit unit) {
        if (amount < 0) {
            throw new IllegalArgumentException("VirtualClock.advance: amount must be >= 0, got " + amount);
        }
        now.addAndGet(unit.toNanos(amount));
        for (EventLoop loop : loops) {
            loop.wakeup();
        }
    }

    void attach(EventLoop loop) {
        loops.addIfAbsent(loop);
    }

    void detach(EventLoop loop) {
        loops.remove(loop);
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now.get() + " ns]";
    }
}
