package dev.evpl.reactive.core;

import java.util.concurrent.TimeUnit;

/**
 * A timer of one loop (libevpl's timers), created by {@link EventLoop#timer(Runnable)}.
 *
 * <p>Semantics: a timer never fires before its deadline on the loop's {@link LoopClock}; due timers
 * fire in deadline order (equal deadlines in arming order); the earliest deadline bounds the loop's
 * kernel wait. A one-shot timer is disarmed <em>before</em> its callback runs, so the callback may
 * arm it again. A periodic timer is re-armed <em>after</em> its callback (next deadline = previous
 * deadline + interval, or now if that has passed), unless the callback cancelled or re-armed it.
 * Cancelling a timer that is not armed does nothing. A timer armed during a pass, even with a
 * deadline already reached, fires in a later pass.
 *
 * <p>Thread-safety: loop-confined. Every method must be called on the loop's thread; other threads
 * use the loop's {@link EventLoop#schedule(Runnable, long, TimeUnit) Scheduler} methods instead.
 */
public final class LoopTimer extends TimerNode {
    private final EventLoop loop;
    private final Runnable callback;

    LoopTimer(EventLoop loop, Runnable callback) {
        this.loop = loop;
        this.callback = callback;
    }

    /** Arms a one-shot firing {@code delay} from now; re-arming an armed timer moves its deadline. */
    public LoopTimer schedule(long delay, TimeUnit unit) {
        return arm(unit.toNanos(delay), 0);
    }

    /** Arms a periodic timer: first firing one {@code interval} from now, then every interval. */
    public LoopTimer schedulePeriodic(long interval, TimeUnit unit) {
        long nanos = unit.toNanos(interval);
        if (nanos <= 0) {
            throw new IllegalArgumentException("LoopTimer interval must be > 0, got " + interval + " " + unit);
        }
        return arm(nanos, nanos);
    }

    /**
     * Arms a one-shot firing at {@code deadlineNanos} on the loop's {@link LoopClock} (a past
     * deadline fires in the next pass).
     */
    public LoopTimer scheduleAt(long deadlineNanos) {
        return armAt(deadlineNanos, 0);
    }

    private LoopTimer arm(long delayNanos, long intervalNanos) {
        return armAt(TimerNode.deadlineAfter(loop.clock().nanoTime(), delayNanos), intervalNanos);
    }

    private LoopTimer armAt(long deadlineNanos, long intervalNanos) {
        loop.checkInLoop("LoopTimer.schedule");
        loop.checkOpen();
        loop.timers.remove(this);
        this.interval = intervalNanos;
        this.deadline = deadlineNanos;
        loop.timers.add(this);
        return this;
    }

    /** Disarms the timer; does nothing when it is not armed. */
    public void cancel() {
        loop.checkInLoop("LoopTimer.cancel");
        loop.timers.remove(this);
        heapIndex = IDLE;
    }

    /** Whether the timer is armed (a one-shot whose callback is running is not). */
    public boolean isScheduled() {
        return heapIndex >= 0 || heapIndex == DUE;
    }

    /** The deadline on the loop's clock, in nanoseconds; meaningful while scheduled. */
    public long deadlineNanos() {
        return deadline;
    }

    @Override
    void fire() {
        callback.run();
    }

    @Override
    void runOnLoop() {
        throw new IllegalStateException("timers are armed on their loop");
    }
}
