package dev.evpl.reactive.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link Scheduler.Worker} of one loop. Its tasks run in submission order on the loop thread.
 * Disposing it cancels its own pending tasks only (they are skipped, and its pending timers are
 * purged from the loop's heap); other workers' tasks are untouched. Created and used from any thread.
 */
final class LoopWorker implements Scheduler.Worker {
    private final EventLoop loop;
    private volatile boolean disposed;
    /** Timed tasks of this worker still armed; a dispose purges the heap only if > 0. */
    private final AtomicInteger pendingTimed = new AtomicInteger();

    LoopWorker(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public Disposable schedule(Runnable task) {
        checkAccepting();
        return loop.submit(Schedulers.onSchedule(task), this);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        checkAccepting();
        if (delay <= 0) {
            return loop.submit(Schedulers.onSchedule(task), this);
        }
        pendingTimed.incrementAndGet();
        return loop.submitTimed(Schedulers.onSchedule(task), this, unit.toNanos(delay), 0);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        checkAccepting();
        pendingTimed.incrementAndGet();
        return loop.submitTimed(Schedulers.onSchedule(task), this, unit.toNanos(Math.max(0, initialDelay)),
                Math.max(1, unit.toNanos(period)));
    }

    private void checkAccepting() {
        if (disposed) {
            throw Exceptions.failWithRejected("the loop worker is disposed");
        }
    }

    void timedTaskLeft() {
        pendingTimed.decrementAndGet();
    }

    @Override
    public void dispose() {
        if (!disposed) {
            disposed = true;
            // Pending tasks are skipped when they come up; only armed timers need purging from the heap.
            int timed = pendingTimed.get();
            if (timed > 0) {
                loop.requestPurge(timed);
            }
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    @Override
    public String toString() {
        return "LoopWorker[" + loop.name() + (disposed ? ", disposed" : "") + ']';
    }
}
