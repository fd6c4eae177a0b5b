package dev.evpl.reactive.core;

import dev.evpl.reactive.core.internal.loop.EpollIoHandler;
import dev.evpl.reactive.core.internal.loop.IoHandler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * The mechanics of {@link EventLoop}: the pass, the wake-up protocol, the hand-over stack, timers,
 * descriptors, deferrals, poll mode and release. Everything not marked otherwise is confined to the
 * owner thread.
 *
 * <p>Wake-up protocol (Dekker-style, all volatile): before a wait with a non-zero timeout the loop
 * sets {@code sleeping = 1} and then re-reads the hand-over stack; a pusher publishes its node and
 * then reads {@code sleeping}. Either the loop sees the node (and does not sleep) or the pusher sees
 * 1, wins the CAS to 0 and wakes the I/O handler once (one eventfd write). A polling loop never
 * has {@code sleeping == 1}, so pushes to it make no system call.
 *
 * <p>The kernel side is the loop's one {@link IoHandler}: the epoll handler, or the io_uring one
 * that wraps it ({@link IoHandlerType}); the pass is the same with either.
 */
abstract class LoopCore {
    static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    static final int OPEN = 0;
    static final int DRAINING = 1;
    static final int DISPOSING = 2;
    static final int RELEASED = 3;

    private static final VarHandle SLEEPING;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLEEPING = l.findVarHandle(LoopCore.class, "sleeping", int.class);
            STATE = l.findVarHandle(LoopCore.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final LoopConfig config;
    final LoopClock clock;
    final String name;
    final Thread owner;
    /** The epoll set and wake eventfd: the I/O handler itself, or the base the io_uring handler wraps. */
    final EpollIoHandler epoll;
    /** The loop's I/O handler; replaced only on the loop thread (AUTO: once the ring exists). */
    IoHandler ioHandler;

    volatile int state;
    volatile boolean stopRequested;
    volatile int sleeping;
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    /** Wake-ups written to this loop's handler (metrics; proves on-loop work makes none). */
    final LongAdder wakeups = new LongAdder();
    private final HandOverStack remote = new HandOverStack();
    private final AtomicInteger cancelledTimed = new AtomicInteger();
    final Sinks.Empty<Void> terminated = Sinks.empty();

    final TimerHeap timers = new TimerHeap();
    /** Tasks of this pass in order; hand-overs moved here by {@link #takeRemoteInOrder} keep theirs. */
    private final ArrayDeque<LoopNode> tasks = new ArrayDeque<>();
    private final DeferralQueue deferrals = new DeferralQueue();
    final PollMode pollMode;
    final HookList hooks;
    private final FdTable fds;
    dev.evpl.reactive.core.buffer.SegmentAllocator allocator;
    long iterations;
    /** Metrics, written by the loop and read racily elsewhere: time blocked in the kernel wait, tasks run. */
    long sleepNanos;
    /** Start of the kernel wait in progress, 0 when none (lets readers count a long sleep as it happens). */
    long waitStart;
    long tasksRun;
    final dev.evpl.reactive.core.internal.loop.IoCounters io = new dev.evpl.reactive.core.internal.loop.IoCounters();
    final long startNanos = System.nanoTime();
    private boolean inPass;

    LoopCore(LoopConfig config, String name, Thread owner) {
        this.config = config;
        this.clock = config.clock();
        this.name = name;
        this.owner = owner;
        this.hooks = new HookList((EventLoop) this);
        this.errors = new CallbackErrors(name);
        this.pollMode = new PollMode((EventLoop) this, config);
        this.epoll = new EpollIoHandler(config.maxEvents(), name);
        this.ioHandler = epoll;
        this.fds = new FdTable((EventLoop) this);
        if (clock instanceof VirtualClock) {
            ((VirtualClock) clock).attach((EventLoop) this);
        }
        if (!(owner instanceof LoopThread)) {
            CURRENT.set((EventLoop) this);
        }
    }

    // ------------------------------------------------------------------ checks

    final void checkInLoop(String operation) {
        Thread current = Thread.currentThread();
        if (current != owner) {
            throw new IllegalStateException(operation + " must be called on the loop thread '" + owner.getName()
                    + "', not on '" + current.getName() + "'");
        }
    }

    final void checkOpen() {
        if (state >= DISPOSING) {
            throw new IllegalStateException("event loop " + name + " is disposed");
        }
    }

    private final CallbackErrors errors;

    /** An exception escaped a callback on this loop: see {@link CallbackErrors}. The loop goes on. */
    final void reportTaskError(Throwable t) {
        errors.report(t);
    }

    final long callbackErrorCount() {
        return errors.count();
    }

    /**
     * Makes {@code handler} the loop's I/O handler (the io_uring one once the ring exists, or the
     * epoll one back when the ring closes). Loop thread, between two operations of a pass: the
     * next wait is the new handler's. Descriptors registered so far stay in the epoll set both use.
     */
    final void useIoHandler(IoHandler handler) {
        checkInLoop("useIoHandler");
        ioHandler = handler;
        pollMode.handlerPollable = handler.pollable();
    }

    // ------------------------------------------------------------------ hand-over from any thread

    final void pushRemote(LoopNode node) {
        // Only the push onto an empty stack must wake: a later one finds the loop already due to drain.
        if (remote.push(node)) {
            wakeIfSleeping();
        }
        if (state == RELEASED) {
            // Pushed after release() took the stack (the push and release's take are both atomic
            // on the stack's head, and release writes state first): nobody else will see this
            // node; dispose it here rather than leave it pending forever.
            remote.disposeAll();
        }
    }

    /**
     * After a task's push: a loop released meanwhile will never run it, so the submit is refused
     * ({@code RejectedExecutionException}, as for a submit after dispose) instead of returning a
     * task that never runs nor fails.
     */
    private LoopTask rejectIfReleased(LoopTask t) {
        if (state == RELEASED && !t.ran()) {
            t.dispose();
            throw reactor.core.Exceptions.failWithRejected("event loop " + name + " is disposed");
        }
        return t;
    }

    final void wakeIfSleeping() {
        if (sleeping == 1 && SLEEPING.compareAndSet(this, 1, 0)) {
            wakersInFlight.incrementAndGet();
            try {
                // release() sets RELEASED and then waits for wakers in flight, so the fd is still ours.
                if (state != RELEASED) {
                    wakeups.increment(); // before the write: the woken loop must already see it
                    ioHandler.wakeup();
                }
            } finally {
                wakersInFlight.decrementAndGet();
            }
        }
    }

    final LoopTask submit(Runnable task, LoopWorker worker) {
        return submitTask(new LoopTask((EventLoop) this, task, worker, false));
    }

    /** Hands over an immediate task made by the caller (who may have set its {@code onDrop}). */
    final LoopTask submitTask(LoopTask t) {
        if (Thread.currentThread() == owner) {
            // FIFO across threads (the Worker contract): hand-overs pushed before this submit run first.
            takeRemoteInOrder();
            tasks.add(t);
        } else {
            pushRemote(t);
            return rejectIfReleased(t);
        }
        return t;
    }

    final LoopTask submitTimed(Runnable task, LoopWorker worker, long delayNanos, long intervalNanos) {
        LoopTask t = new LoopTask((EventLoop) this, task, worker, true);
        t.interval = intervalNanos;
        t.deadline = TimerNode.deadlineAfter(clock.nanoTime(), delayNanos);
        if (Thread.currentThread() == owner) {
            timers.add(t);
        } else {
            pushRemote(t);
            return rejectIfReleased(t);
        }
        return t;
    }

    final void cancelTimed(LoopTask task) {
        if (Thread.currentThread() == owner) {
            timers.remove(task);
        } else {
            requestPurge(1);
        }
    }

    /** Cancelled timers left in the heap fire as no-ops; purge once they are a sizeable share. */
    final void requestPurge(int count) {
        cancelledTimed.addAndGet(count);
    }

    // ------------------------------------------------------------------ the pass

    final void runUntilStopped() {
        while (!stopRequested) {
            onePass(-1);
        }
        stopRequested = false;
    }

    final void onePass(long maxWaitNanos) {
        if (state == RELEASED) {
            throw new IllegalStateException("event loop " + name + " is released");
        }
        if (state == DISPOSING) {
            stopRequested = true; // disposed (not gracefully): pending work is dropped, not run
            return;
        }
        inPass = true;
        try {
            long timeout = computeTimeout();
            if (maxWaitNanos >= 0 && (timeout < 0 || timeout > maxWaitNanos)) {
                timeout = maxWaitNanos;
            }
            hooks.run(LoopHook.BEFORE_WAIT.ordinal());
            IoHandler handler = ioHandler;
            if (pollMode.polling && timeout == 0 && ++pollMode.passes < config.pollIterations()) {
                // Polling: skip the kernel; the handler's completions, hand-overs and poll sources
                // are read from memory.
            } else {
                pollMode.passes = 0;
                if (timeout != 0) {
                    sleeping = 1;
                    if (!remote.isEmpty() || stopRequested || state != OPEN) {
                        timeout = 0;
                    }
                }
                if (timeout != 0) {
                    // Two clock reads per kernel sleep (not per pass): the sleep itself costs far more.
                    long t0 = System.nanoTime();
                    waitStart = t0;
                    handler.await(timeout);
                    sleepNanos += System.nanoTime() - t0;
                    waitStart = 0;
                } else {
                    handler.await(0);
                }
                sleeping = 0;
            }
            hooks.run(LoopHook.AFTER_WAIT.ordinal());
            int work = handler.process(fds);
            work += drainRemote();
            if (pollMode.polling) {
                work += pollMode.pollSources();
            }
            long now = clock.nanoTime();
            int cancelled = cancelledTimed.get();
            if (cancelled > 0 && (cancelled >= 64 || cancelled * 4 >= timers.size())) {
                cancelledTimed.addAndGet(-cancelled);
                timers.purgeCancelled();
            }
            work += fireTimers(now);
            work += fds.runLatched();
            work += runTasks();
            work += deferrals.run((EventLoop) this);
            hooks.run(LoopHook.ITERATION_END.ordinal());
            pollMode.update(now);
            iterations++;
            if (pollMode.polling) {
                try {
                    config.idleStrategy().idle(work);
                } catch (Throwable t) {
                    reportTaskError(t);
                }
            }
            if (state == DRAINING && !hasImmediateWork()) {
                STATE.compareAndSet(this, DRAINING, DISPOSING);
            }
            if (state == DISPOSING) {
                stopRequested = true;
            }
        } finally {
            inPass = false;
        }
    }

    private boolean hasImmediateWork() {
        return !tasks.isEmpty() || !deferrals.isEmpty() || fds.hasLatched() || !remote.isEmpty();
    }

    private long computeTimeout() {
        if (stopRequested || pollMode.polling || hasImmediateWork()) {
            return 0;
        }
        TimerNode first = timers.peek();
        if (first == null) {
            return -1;
        }
        long left = first.deadline - clock.nanoTime();
        if (left <= 0) {
            return 0;
        }
        // A virtual clock is advanced by hand and wakes the loop: no real-time timeout applies.
        return clock.isVirtual() ? -1 : left;
    }

    /**
     * Loop: moves what other threads handed over so far, oldest first, to the back of the task
     * queue, so a task this thread submits next runs after them. One volatile read when there is
     * nothing (the common case on a loop that schedules its own work).
     */
    final void takeRemoteInOrder() {
        if (remote.isEmpty()) {
            return;
        }
        LoopNode fifo = remote.takeInOrder();
        while (fifo != null) {
            LoopNode next = fifo.remoteNext;
            fifo.remoteNext = null;
            tasks.add(fifo);
            fifo = next;
        }
    }

    /** Whether other threads handed work over that the loop has not taken yet (a racy hint). */
    final boolean hasRemoteWork() {
        return !remote.isEmpty();
    }

    private int drainRemote() {
        if (remote.isEmpty()) {
            return 0;
        }
        LoopNode fifo = remote.takeInOrder();
        int n = 0;
        while (fifo != null) {
            // Read the successor first: running the node may let another thread push it again.
            LoopNode next = fifo.remoteNext;
            fifo.remoteNext = null;
            try {
                fifo.runOnLoop();
            } catch (Throwable t) {
                reportTaskError(t);
            }
            fifo = next;
            n++;
        }
        return n;
    }

    private int fireTimers(long now) {
        return timers.fireDue(now, state < DISPOSING, (EventLoop) this);
    }

    private int runTasks() {
        int n = tasks.size();
        for (int i = 0; i < n; i++) {
            LoopNode node = tasks.poll();
            try {
                node.runOnLoop();
            } catch (Throwable t) {
                reportTaskError(t);
            }
        }
        return n;
    }

    final void enqueueDeferral(Deferral d) {
        deferrals.add(d);
    }

    // ------------------------------------------------------------------ descriptors

    final FdEvent registerFd(int fd, FdHandler handler, boolean read, boolean write) {
        return fds.register(fd, handler, read, write);
    }

    final void removeFd(FdEvent ev) {
        fds.remove(ev);
    }

    final void latch(FdEvent ev) {
        fds.latch(ev);
    }

    // ------------------------------------------------------------------ hybrid event/poll

    final Disposable addPoll(PollSource source) {
        return pollMode.add(source);
    }

    final Disposable pinOnce() {
        return pollMode.pin();
    }

    // ------------------------------------------------------------------ lifecycle

    final void beginDispose(boolean graceful) {
        for (;;) {
            int s = state;
            int next;
            if (s == OPEN) {
                next = graceful ? DRAINING : DISPOSING;
            } else if (s == DRAINING && !graceful) {
                next = DISPOSING;
            } else {
                return;
            }
            if (STATE.compareAndSet(this, s, next)) {
                break;
            }
        }
        if (Thread.currentThread() == owner && !inPass && !(owner instanceof LoopThread)) {
            // A hand-run loop disposed by its owner between passes: nobody else will run it.
            while (state == DRAINING) {
                onePass(0);
            }
            release();
        } else {
            wakeIfSleeping();
        }
    }

    final void release() {
        if (state == RELEASED) {
            return;
        }
        state = RELEASED;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        remote.disposeAll();
        LoopNode queued;
        while ((queued = tasks.poll()) != null) {
            HandOverStack.dispose(queued);
        }
        for (TimerNode t : timers.drain()) {
            if (t instanceof LoopTask) {
                ((LoopTask) t).dispose();
            }
        }
        deferrals.clear();
        fds.closeAll();
        pollMode.close();
        hooks.runOnceAndClear(HookList.CLOSE);
        if (allocator != null) {
            allocator.close();
        }
        // Close hooks gave back the epoll handler (a ring closes with its hook); it goes last.
        ioHandler = epoll;
        epoll.close();
        if (clock instanceof VirtualClock) {
            ((VirtualClock) clock).detach((EventLoop) this);
        }
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        terminated.tryEmitEmpty();
    }
}
