package dev.evpl.reactive.core;

import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One event loop on one thread, and the Reactor {@link Scheduler} pinned to that thread.
 *
 * <p>Each pass: wait in the kernel (epoll or the loop's io_uring ring, see {@link IoHandlerType};
 * not at all while something is pending) → I/O (ring completions run, ready descriptors latched) →
 * hand-overs from other threads (tasks, doorbells) → poll sources (while polling) → due timers →
 * latched-ready descriptors → tasks → deferrals → {@link LoopHook#ITERATION_END} hooks. The order
 * is the same whichever handler waits. The wait's timeout is the earliest timer deadline, zero when
 * work is pending.
 *
 * <p><b>Hybrid event/poll.</b> With at least one {@link PollSource} registered (or an io_uring
 * ring in use, whose completion queue is read from memory), activity reported
 * through {@link #reportActivity()} (or a {@linkplain #pin() pin}) switches the loop to polling:
 * it stops sleeping, polls every source each pass and checks the kernel only every
 * {@link LoopConfig#pollIterations()} passes. After the spin window without activity it goes back
 * to sleeping. The window adapts: one that ran out without work halves (down to
 * {@link LoopConfig#spinMin()}), work arriving soon after the loop went to sleep doubles it (up to
 * {@link LoopConfig#spin()}); and a loop whose thread runs less than
 * {@link LoopConfig#spinCoreShare()} of the time it wants a CPU (its scheduler accounting) shares
 * its core with a thread that needs it, so it stops spinning for a back-off ({@link #spinBackoffs()}). A loop with neither
 * sources nor a ring never spins.
 *
 * <p><b>Threads.</b> A loop is owned by one thread: the thread of an {@link EventLoopGroup}, or the
 * thread that called {@link #create} for a loop run by hand with {@link #run()} or
 * {@link #runOnce()}. Handles ({@link LoopTimer}, {@link Deferral}, {@link FdEvent}, hooks, poll
 * sources) are loop-confined and throw {@link IllegalStateException} on another thread. The
 * {@code Scheduler} methods, {@link Doorbell#ring()}, {@link #wakeup()}, {@link #stop()} and
 * {@link #dispose()} are safe from any thread: work from elsewhere hops onto the loop through an
 * intrusive lock-free stack and at most one {@code eventfd} write when the loop sleeps. Work
 * scheduled on the loop's own thread makes no system call.
 *
 * <p><b>Lifecycle.</b> {@link #dispose()} rejects new work at once ({@link
 * java.util.concurrent.RejectedExecutionException}), drops pending tasks and timers, unregisters
 * descriptors (never closing them), and releases the kernel objects at the end of the current pass.
 * {@link #disposeGracefully()} first lets already submitted immediate tasks and deferrals run.
 */
public final class EventLoop extends LoopCore implements Scheduler {
    /** {@link LoopLocal} values by index; replaced (copy on write) by the loop thread, read by any. */
    volatile Object[] locals = new Object[4];

    EventLoop(LoopConfig config, String name, Thread owner) {
        super(config, name, owner);
        if (config.ioHandler() == IoHandlerType.IO_URING) {
            try {
                // The ring waits from the first pass; created here, on the owner thread (SINGLE_ISSUER).
                dev.evpl.reactive.core.internal.loop.LoopAccess.startRing(this);
            } catch (RuntimeException | Error e) {
                beginDispose(false);
                release();
                throw e;
            }
        }
    }

    /** A loop with default configuration, owned by (and run by) the calling thread. */
    public static EventLoop create() {
        return create(LoopConfig.defaults());
    }

    /** A loop owned by (and run by) the calling thread. */
    public static EventLoop create(LoopConfig config) {
        return create(config, "evpl-loop-" + Thread.currentThread().getName());
    }

    /** A named loop owned by (and run by) the calling thread. */
    public static EventLoop create(LoopConfig config, String name) {
        return new EventLoop(Objects.requireNonNull(config, "config"), Objects.requireNonNull(name, "name"),
                Thread.currentThread());
    }

    /**
     * The loop the calling thread runs, or {@code null} when it runs none. Cheap: a thread check
     * on loop threads, a thread-local read elsewhere.
     */
    public static EventLoop current() {
        Thread t = Thread.currentThread();
        if (t instanceof LoopThread) {
            return ((LoopThread) t).loop();
        }
        return CURRENT.get();
    }

    // ------------------------------------------------------------------ loop-confined handles

    /** A new, unarmed timer running {@code callback} on this loop. Loop thread only. */
    public LoopTimer timer(Runnable callback) {
        checkInLoop("timer");
        return new LoopTimer(this, Objects.requireNonNull(callback, "callback"));
    }

    /** A new, unarmed deferral running {@code callback} at the end of a pass. Loop thread only. */
    public Deferral deferral(Runnable callback) {
        checkInLoop("deferral");
        return new Deferral(this, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * A doorbell whose {@link Doorbell#ring()} (any thread) runs {@code callback} on this loop.
     * May be created from any thread.
     */
    public Doorbell doorbell(Runnable callback) {
        checkOpen();
        return new Doorbell(this, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Registers a caller-owned non-blocking descriptor. {@code read}/{@code write} set the initial
     * interest. Loop thread only; the loop never closes {@code fd}.
     */
    public FdEvent addFd(int fd, FdHandler handler, boolean read, boolean write) {
        checkInLoop("addFd");
        checkOpen();
        return registerFd(fd, Objects.requireNonNull(handler, "handler"), read, write);
    }

    /** Adds a hook run at {@code point} of every pass while installed; dispose to remove. Loop thread only. */
    public Disposable addHook(LoopHook point, Runnable hook) {
        checkInLoop("addHook");
        return hooks.add(point.ordinal(), Objects.requireNonNull(hook, "hook"));
    }

    /** Adds a poll source (hybrid event/poll mode); dispose to remove. Loop thread only. */
    public Disposable addPollSource(PollSource source) {
        checkInLoop("addPollSource");
        return addPoll(Objects.requireNonNull(source, "source"));
    }

    /**
     * Holds the loop in polling mode (when it has poll sources) until the returned handle is
     * disposed; pins are counted. Loop thread only.
     */
    public Disposable pin() {
        checkInLoop("pin");
        return pinOnce();
    }

    /**
     * Reports completion activity: keeps (or puts) the loop in polling mode for the spin window.
     * Loop thread only; a plain field write.
     */
    public void reportActivity() {
        pollMode.activity = true;
    }

    /** Runs {@code hook} once when the loop is released (after dispose). Loop thread only. */
    public Disposable addCloseHook(Runnable hook) {
        checkInLoop("addCloseHook");
        return hooks.add(HookList.CLOSE, Objects.requireNonNull(hook, "hook"));
    }

    /**
     * This loop's segment allocator, drawing from {@link BufferPool#global()}; its current buffer is
     * given back when the loop is released. Loop thread only.
     */
    public SegmentAllocator allocator() {
        checkInLoop("allocator");
        if (allocator == null) {
            allocator = new SegmentAllocator(BufferPool.global());
        }
        return allocator;
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs passes until {@link #stop()} or {@link #dispose()}; after a dispose, releases everything
     * before returning. Owner thread only; blocks in the kernel while idle.
     */
    public void run() {
        checkInLoop("run");
        runUntilStopped();
        if (state != OPEN) {
            release();
        }
    }

    /** Runs one pass, waiting in the kernel as long as the loop would. Owner thread only. */
    public void runOnce() {
        checkInLoop("runOnce");
        onePass(-1);
        releaseIfDisposed();
    }

    /** Runs one pass, waiting at most {@code maxWait} {@code unit}s. Owner thread only. */
    public void runOnce(long maxWait, TimeUnit unit) {
        checkInLoop("runOnce");
        onePass(Math.max(0, unit.toNanos(maxWait)));
        releaseIfDisposed();
    }

    private void releaseIfDisposed() {
        if (state == DISPOSING) {
            stopRequested = false;
            release();
        }
    }

    /** Makes {@link #run()} return after the current pass. Any thread. */
    public void stop() {
        stopRequested = true;
        wakeup();
    }

    /** Wakes the loop if it sleeps in the kernel. Any thread; at most one eventfd write per sleep. */
    public void wakeup() {
        wakeIfSleeping();
    }

    /** Whether the calling thread owns this loop. */
    public boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    /** The loop's name (its thread's name for group loops). */
    public String name() {
        return name;
    }

    /** The loop's configuration. */
    public LoopConfig config() {
        return config;
    }

    /** The loop's clock. */
    public LoopClock clock() {
        return clock;
    }

    /** Passes run so far. Any thread (racy read). */
    public long iterations() {
        return iterations;
    }

    /** How many times another thread had to wake this loop from a kernel wait (eventfd writes). */
    public long wakeups() {
        return wakeups.sum();
    }

    /** Nanoseconds spent blocked in the kernel waiting for events (sleeping). Any thread (racy read). */
    public long sleepNanos() {
        long s = sleepNanos;
        long since = waitStart;
        return since != 0 ? s + Math.max(0, System.nanoTime() - since) : s;
    }

    /**
     * Times this loop stopped spinning because its thread ran less than
     * {@link LoopConfig#spinCoreShare()} of the time it wanted a CPU (its core is shared). Any
     * thread (racy read).
     */
    public long spinBackoffs() {
        return pollMode.governor.backoffs;
    }

    /** Nanoseconds spent in polling mode (spinning on completions and the work done meanwhile). Any thread (racy read). */
    public long pollNanos() {
        return pollMode.nanos();
    }

    /**
     * Nanoseconds awake in event mode: since creation, neither sleeping nor polling (handling events,
     * timers, tasks). Any thread (racy read).
     */
    public long busyNanos() {
        return Math.max(0, System.nanoTime() - startNanos - sleepNanos() - pollNanos());
    }

    /**
     * Timers armed and delayed tasks waiting in this loop's timer heap (cancelled delayed tasks not
     * purged yet included). A count that grows with closed connections is a leak: every armed
     * timer holds what its callback reaches. Any thread (racy read).
     */
    public int timersPending() {
        return timers.size();
    }

    /** Tasks run so far (scheduled and handed-over work, not events). Any thread (racy read). */
    public long tasksRun() {
        return tasksRun;
    }

    /**
     * Exceptions that escaped a callback on this loop (a task, timer, hook, descriptor handler or
     * completion) and were caught so the loop could go on. Each one was logged at ERROR by logger
     * {@code dev.evpl.reactive.core.EventLoop}. Any thread.
     */
    public long callbackErrors() {
        return callbackErrorCount();
    }

    /**
     * Reports an exception that escaped a callback running on this loop, as the loop does itself:
     * logged at ERROR with the loop's name, counted in {@link #callbackErrors()}, and passed to an
     * uncaught-exception handler if the application installed one. For code that runs callbacks of
     * its own on a loop (transports, completions). Any thread; never throws (but rethrows JVM-fatal
     * errors).
     */
    public void reportCallbackError(Throwable error) {
        reportTaskError(Objects.requireNonNull(error, "error"));
    }

    /**
     * Whether work handed over from other threads waits to be taken by this loop. Loop code that
     * does something directly instead of scheduling it (a send's fast path) checks this first: when
     * true it schedules instead, which queues it behind those hand-overs, so work keeps the order
     * in which it was submitted whichever thread submitted it. One volatile read.
     */
    public boolean hasPendingHandOvers() {
        return hasRemoteWork();
    }

    /** Bytes this loop's transports received from sockets. Any thread (racy read). */
    public long bytesReceived() {
        return io.received;
    }

    /** Bytes this loop's transports wrote to sockets. Any thread (racy read). */
    public long bytesSent() {
        return io.sent;
    }

    static {
        // The library's transports reach these through LoopAccess, not as API. LoopAccess names
        // the loop by Reactor's Scheduler so that internal.loop does not depend on this package.
        dev.evpl.reactive.core.internal.loop.LoopAccess.install(new dev.evpl.reactive.core.internal.loop.LoopAccess() {
            @Override
            public dev.evpl.reactive.core.internal.loop.EpollIoHandler epoll(Scheduler loop) {
                return ((EventLoop) loop).epoll;
            }

            @Override
            public void useIoHandler(Scheduler loop, dev.evpl.reactive.core.internal.loop.IoHandler handler) {
                ((EventLoop) loop).useIoHandler(handler);
            }

            @Override
            public dev.evpl.reactive.core.internal.loop.IoHandler ioHandler(Scheduler loop) {
                return ((EventLoop) loop).ioHandler;
            }

            @Override
            public dev.evpl.reactive.core.internal.loop.IoCounters ioCounters(Scheduler loop) {
                return ((EventLoop) loop).io;
            }
        });
    }

    /** Whether the loop is in polling mode. Any thread (racy read). */
    public boolean isPolling() {
        return pollMode.polling;
    }

    /** Completes once the loop has released everything; never fails. */
    public Mono<Void> onTerminate() {
        return terminated.asMono();
    }

    /**
     * Runs {@code action} now when called on this loop's thread, else hands it over like
     * {@link #schedule(Runnable)}. Returns false when the loop no longer accepts work (disposed),
     * so the caller decides what that means for it; never throws for that. Any thread.
     */
    public boolean execute(Runnable action) {
        if (inLoop()) {
            action.run();
            return true;
        }
        try {
            schedule(action);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Like {@link #execute(Runnable)}, for an action that owns something (a segment, a descriptor):
     * exactly one of {@code action} and {@code ifDropped} runs. On the loop thread the action runs
     * at once unless tasks handed over from other threads wait (it then queues behind them: FIFO). {@code ifDropped} runs when the loop
     * refuses the action (then on the calling thread, before this returns) or disposes it unrun
     * (a forced dispose drops queued work; then on the disposing thread): it releases what the
     * action would have taken and fails whoever waits for it. Any thread; never throws for a
     * disposed loop.
     */
    public void execute(Runnable action, Runnable ifDropped) {
        if (inLoop() && !hasPendingHandOvers()) {
            action.run(); // nothing handed over ahead of it: running now keeps submission order
            return;
        }
        handOver(action, ifDropped);
    }

    /**
     * Queues {@code action} behind everything already handed to this loop (FIFO), even from the
     * loop thread; exactly one of {@code action} and {@code ifDropped} runs, as for
     * {@link #execute(Runnable, Runnable)}. Any thread.
     */
    public void handOver(Runnable action, Runnable ifDropped) {
        if (state != OPEN) {
            ifDropped.run();
            return;
        }
        LoopTask t = new LoopTask(this, action, null, false);
        t.onDrop = ifDropped; // set before the hand-over publishes the task
        try {
            submitTask(t);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // rejectIfReleased disposed it: onDrop already ran
        }
    }

    // ------------------------------------------------------------------ Scheduler

    @Override
    public Disposable schedule(Runnable task) {
        checkAccepting();
        return submit(Schedulers.onSchedule(task), null);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        checkAccepting();
        if (delay <= 0) {
            return submit(Schedulers.onSchedule(task), null);
        }
        return submitTimed(Schedulers.onSchedule(task), null, unit.toNanos(delay), 0);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        checkAccepting();
        return submitTimed(Schedulers.onSchedule(task), null, unit.toNanos(Math.max(0, initialDelay)),
                Math.max(1, unit.toNanos(period)));
    }

    /** On a virtual clock, the clock's time; otherwise Reactor's default (wall clock). */
    @Override
    public long now(TimeUnit unit) {
        if (clock.isVirtual()) {
            return unit.convert(clock.nanoTime(), TimeUnit.NANOSECONDS);
        }
        return Scheduler.super.now(unit);
    }

    /** A worker on this loop; disposing it cancels only its own tasks. Any thread. */
    @Override
    public Worker createWorker() {
        checkAccepting();
        return new LoopWorker(this);
    }

    @Override
    public void dispose() {
        beginDispose(false);
    }

    /** Rejects new work, runs already submitted immediate tasks and deferrals, then releases. */
    @Override
    public Mono<Void> disposeGracefully() {
        return Mono.defer(() -> {
            beginDispose(true);
            return onTerminate();
        });
    }

    @Override
    public boolean isDisposed() {
        return state != OPEN;
    }

    private void checkAccepting() {
        if (state != OPEN) {
            throw Exceptions.failWithRejected("event loop " + name + " is disposed");
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ']';
    }
}
