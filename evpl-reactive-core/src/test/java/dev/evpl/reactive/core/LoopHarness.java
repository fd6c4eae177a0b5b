package dev.evpl.reactive.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A loop run by hand on the test thread, on the real clock or on a {@link VirtualClock}, so one
 * test body checks a behaviour on both.
 */
final class LoopHarness implements AutoCloseable {
    enum ClockKind { REAL, VIRTUAL }

    final VirtualClock virtual;
    final EventLoop loop;

    LoopHarness(ClockKind kind) {
        this(kind, LoopConfig.builder());
    }

    LoopHarness(ClockKind kind, LoopConfig.Builder config) {
        this.virtual = kind == ClockKind.VIRTUAL ? new VirtualClock(1_000_000_000L) : null;
        if (virtual != null) {
            config.clock(virtual);
        }
        this.loop = EventLoop.create(config.build(), "test-loop");
    }

    long now() {
        return loop.clock().nanoTime();
    }

    /** Lets {@code millis} pass (real or virtual), running passes meanwhile. */
    void passTime(long millis) {
        if (virtual != null) {
            virtual.advance(millis, TimeUnit.MILLISECONDS);
            loop.runOnce(0, TimeUnit.NANOSECONDS);
            return;
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            loop.runOnce(left, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs non-waiting passes. */
    void passes(int n) {
        for (int i = 0; i < n; i++) {
            loop.runOnce(0, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs passes (each waiting at most 10 ms) until {@code condition} holds or {@code max} elapses. */
    boolean runUntil(BooleanSupplier condition, Duration max) {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            loop.runOnce(10, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    @Override
    public void close() {
        if (!loop.isDisposed()) {
            loop.dispose();
        }
    }
}
