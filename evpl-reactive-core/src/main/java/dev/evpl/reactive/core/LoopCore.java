package dev.evpl.reactive.core;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.internal.loop.EpollPoller;
import dev.evpl.reactive.core.internal.loop.Poller;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Sinks;

/**
 * The mechanics of {@link EventLoop}: the pass, the wake-up protocol, the hand-over stack, timers,
 * descriptors, deferrals, poll mode and release. Everything not marked otherwise is confined to the
 * owner thread.
 *
 * <p>Wake-up protocol (Dekker-style, all volatile): before a wait with a non-zero timeout the loop
 * sets {@code sleeping = 1} and then re-reads the hand-over stack; a pusher publishes its node and
 * then reads {@code sleeping}. Either the loop sees the node (and does not sleep) or the pusher sees
 * 1, wins the CAS to 0 and writes the eventfd once. A polling loop never has {@code sleeping == 1},
 * so pushes to it make no system call.
 */
abstract class LoopCore {
    static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    static final int OPEN = 0;
    static final int DRAINING = 1;
    static final int DISPOSING = 2;
    static final int RELEASED = 3;

    /** The wake eventfd's token; fd tokens are {@code generation << 32 | slot} with generation > 0. */
    private static final long WAKE_TOKEN = -1L;
    private static final PollSource[] NO_SOURCES = new PollSource[0];

    private static final VarHandle REMOTE_HEAD;
    private static final VarHandle SLEEPING;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REMOTE_HEAD = l.findVarHandle(LoopCore.class, "remoteHead", LoopNode.class);
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
    final Poller poller;
    /** Set when the loop's io_uring ring does the kernel wait (LoopConfig.ringWait). */
    dev.evpl.reactive.core.internal.loop.RingWait ringWait;
    private final int wakeFd;
    /** 16 bytes: [0, 8) the constant 1 every waker writes; the rest spare. */
    private final long wakeMemory;
    private final long spinNanos;

    volatile int state;
    volatile boolean stopRequested;
    volatile int sleeping;
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    /** eventfd writes made to wake this loop (metrics; proves on-loop work makes none). */
    final java.util.concurrent.atomic.LongAdder wakeups = new java.util.concurrent.atomic.LongAdder();
    private volatile LoopNode remoteHead;
    private final AtomicInteger cancelledTimed = new AtomicInteger();
    final Sinks.Empty<Void> terminated = Sinks.empty();

    final TimerHeap timers = new TimerHeap();
    private TimerNode[] due = new TimerNode[16];
    /** Tasks of this pass in order; hand-overs moved here by {@link #takeRemoteInOrder} keep theirs. */
    private final ArrayDeque<LoopNode> tasks = new ArrayDeque<>();
    private Deferral[] deferrals = new Deferral[16];
    private Deferral[] spareDeferrals = new Deferral[16];
    private int deferralCount;
    private PollSource[] pollSources = NO_SOURCES;
    private int pins;
    boolean polling;
    boolean activity;
    private boolean seenActivity;
    private long lastActivity;
    private int pollPasses;
    final HookList hooks;
    private final FdTable fds;
    dev.evpl.reactive.core.buffer.SegmentAllocator allocator;
    long iterations;
    /** Metrics, written by the loop and read racily elsewhere: time blocked in the kernel wait, time in polling mode, tasks run. */
    long sleepNanos;
    long pollNanos;
    long pollingSince;
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
        this.spinNanos = config.spin().toNanos();
        this.hooks = new HookList((EventLoop) this);
        Poller p = new EpollPoller(config.maxEvents());
        long memory = 0;
        int fd = -1;
        try {
            fd = Native.check(LIBC.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC), "eventfd", name);
            memory = NativeMemory.allocate(16);
            NativeMemory.putLong(memory, 1L);
            // Edge-triggered: every write is a new edge, so the counter never needs reading (one
            // system call less per wake-up; it would take 2^64 wake-ups to fill it).
            p.add(fd, Linux.EPOLLIN | Linux.EPOLLET, WAKE_TOKEN);
        } catch (RuntimeException e) {
            if (fd >= 0) {
                LIBC.close(fd);
            }
            NativeMemory.free(memory);
            p.close();
            throw e;
        }
        this.poller = p;
        this.fds = new FdTable((EventLoop) this, p);
        this.wakeFd = fd;
        this.wakeMemory = memory;
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

    private static final System.Logger LOG = System.getLogger("dev.evpl.reactive.core.EventLoop");
    private final java.util.concurrent.atomic.LongAdder callbackErrors = new java.util.concurrent.atomic.LongAdder();

    /**
     * An exception escaped a callback on this loop: logged at ERROR (logger
     * {@code dev.evpl.reactive.core.EventLoop}) with the loop's name, counted, and handed to an
     * uncaught-exception handler the application installed (the thread's own or the default one).
     * The ThreadGroup's fallback, which prints to stderr, is not used: the log has it. The loop goes on.
     */
    final void reportTaskError(Throwable t) {
        Exceptions.throwIfJvmFatal(t);
        callbackErrors.increment();
        if (LOG.isLoggable(System.Logger.Level.ERROR)) {
            LOG.log(System.Logger.Level.ERROR, "a callback on event loop " + name + " threw; the loop goes on", t);
        }
        Thread current = Thread.currentThread();
        Thread.UncaughtExceptionHandler handler = current.getUncaughtExceptionHandler();
        boolean installed = handler != null && handler != current.getThreadGroup();
        if (!installed) {
            handler = Thread.getDefaultUncaughtExceptionHandler();
        }
        if (handler != null) {
            try {
                handler.uncaughtException(current, t);
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e); // a handler that throws must not kill the loop either
            }
        }
    }

    final long callbackErrorCount() {
        return callbackErrors.sum();
    }

    // ------------------------------------------------------------------ hand-over from any thread

    final void pushRemote(LoopNode node) {
        LoopNode head;
        do {
            head = remoteHead;
            node.remoteNext = head;
        } while (!REMOTE_HEAD.compareAndSet(this, head, node));
        // Only the push onto an empty stack must wake: a later one finds the loop already due to drain.
        if (head == null) {
            wakeIfSleeping();
        }
        if (state == RELEASED) {
            // Pushed after release() took the stack (the push and release's read of the stack are
            // both atomic on remoteHead, and release writes state first): nobody else will see
            // this node; dispose it here rather than leave it pending forever.
            disposeRemote();
        }
    }

    /** Disposes every node on the hand-over stack (a released loop runs none). */
    private void disposeRemote() {
        LoopNode node = (LoopNode) REMOTE_HEAD.getAndSet(this, null);
        while (node != null) {
            LoopNode next = node.remoteNext;
            node.remoteNext = null;
            if (node instanceof Doorbell) {
                ((Doorbell) node).close();
            } else if (node instanceof LoopTask) {
                ((LoopTask) node).dispose();
            }
            node = next;
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
                    LIBC.write(wakeFd, wakeMemory, 8);
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
            int ready = 0;
            if (polling && timeout == 0 && ++pollPasses < config.pollIterations()) {
                // Polling: skip the kernel; hand-overs and poll sources are read from memory.
            } else {
                pollPasses = 0;
                if (timeout != 0) {
                    sleeping = 1;
                    if (remoteHead != null || stopRequested || state != OPEN) {
                        timeout = 0;
                    }
                }
                dev.evpl.reactive.core.internal.loop.RingWait rw = ringWait;
                if (timeout != 0) {
                    // Two clock reads per kernel sleep (not per pass): the sleep itself costs far more.
                    long t0 = System.nanoTime();
                    waitStart = t0;
                    ready = rw != null ? rw.waitFor(timeout, poller) : poller.waitFor(timeout);
                    sleepNanos += System.nanoTime() - t0;
                    waitStart = 0;
                } else {
                    ready = rw != null ? rw.waitFor(0, poller) : poller.waitFor(0);
                }
                sleeping = 0;
            }
            hooks.run(LoopHook.AFTER_WAIT.ordinal());
            int work = ready;
            for (int i = 0; i < ready; i++) {
                long token = poller.readyToken(i);
                if (token != WAKE_TOKEN) {
                    fds.ready(token, poller.readyEvents(i));
                }
            }
            work += drainRemote();
            if (polling) {
                work += pollAll();
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
            work += runDeferrals();
            hooks.run(LoopHook.ITERATION_END.ordinal());
            updatePollMode(now);
            iterations++;
            if (polling) {
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
        return !tasks.isEmpty() || deferralCount > 0 || fds.hasLatched() || remoteHead != null;
    }

    private long computeTimeout() {
        if (stopRequested || polling || hasImmediateWork()) {
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
        if (remoteHead == null) {
            return;
        }
        LoopNode fifo = takeRemoteFifo();
        while (fifo != null) {
            LoopNode next = fifo.remoteNext;
            fifo.remoteNext = null;
            tasks.add(fifo);
            fifo = next;
        }
    }

    /** Loop: takes the hand-over stack and reverses it: oldest first, linked through remoteNext. */
    private LoopNode takeRemoteFifo() {
        LoopNode node = (LoopNode) REMOTE_HEAD.getAndSet(this, null);
        LoopNode fifo = null;
        while (node != null) {
            LoopNode next = node.remoteNext;
            node.remoteNext = fifo;
            fifo = node;
            node = next;
        }
        return fifo;
    }

    /** Whether other threads handed work over that the loop has not taken yet (a racy hint). */
    final boolean hasRemoteWork() {
        return remoteHead != null;
    }

    private int drainRemote() {
        if (remoteHead == null) {
            return 0;
        }
        LoopNode fifo = takeRemoteFifo();
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
        int n = 0;
        TimerNode top;
        while ((top = timers.peek()) != null && top.deadline - now <= 0) {
            timers.poll();
            top.heapIndex = TimerNode.DUE;
            if (n == due.length) {
                due = Arrays.copyOf(due, n * 2);
            }
            due[n++] = top;
        }
        for (int i = 0; i < n; i++) {
            TimerNode node = due[i];
            due[i] = null;
            if (node.heapIndex != TimerNode.DUE) {
                continue; // cancelled or re-armed by an earlier callback of this pass
            }
            boolean periodic = node.interval > 0;
            node.heapIndex = periodic ? TimerNode.FIRING : TimerNode.IDLE;
            try {
                node.fire();
            } catch (Throwable t) {
                reportTaskError(t);
            }
            if (periodic && node.heapIndex == TimerNode.FIRING && state < DISPOSING) {
                long next = node.deadline + Math.min(node.interval, TimerNode.MAX_DELAY);
                node.deadline = next - now < 0 ? now : next;
                timers.add(node);
            } else if (node.heapIndex == TimerNode.FIRING) {
                node.heapIndex = TimerNode.IDLE;
            }
        }
        return n;
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
        if (deferralCount == deferrals.length) {
            deferrals = Arrays.copyOf(deferrals, deferralCount * 2);
        }
        deferrals[deferralCount++] = d;
    }

    private int runDeferrals() {
        int n = deferralCount;
        if (n == 0) {
            return 0;
        }
        Deferral[] run = deferrals;
        deferrals = spareDeferrals;
        spareDeferrals = run;
        deferralCount = 0;
        int ran = 0;
        for (int i = 0; i < n; i++) {
            Deferral d = run[i];
            run[i] = null;
            d.queued = false;
            if (d.armed) {
                d.armed = false;
                ran++;
                try {
                    d.run();
                } catch (Throwable t) {
                    reportTaskError(t);
                }
            }
        }
        return ran;
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
        PollSource[] grown = Arrays.copyOf(pollSources, pollSources.length + 1);
        grown[pollSources.length] = source;
        pollSources = grown;
        if (polling) {
            source.enter();
        }
        return new OnLoopDisposable((EventLoop) this, () -> {
            PollSource[] old = pollSources;
            int at = Arrays.asList(old).indexOf(source);
            if (at >= 0) {
                PollSource[] shrunk = new PollSource[old.length - 1];
                System.arraycopy(old, 0, shrunk, 0, at);
                System.arraycopy(old, at + 1, shrunk, at, old.length - at - 1);
                pollSources = shrunk.length == 0 ? NO_SOURCES : shrunk;
                if (polling) {
                    source.exit();
                }
            }
        });
    }

    final Disposable pinOnce() {
        pins++;
        return new OnLoopDisposable((EventLoop) this, () -> pins--);
    }

    private int pollAll() {
        int work = 0;
        for (PollSource source : pollSources) {
            try {
                work += source.poll();
            } catch (Throwable t) {
                reportTaskError(t);
            }
        }
        return work;
    }

    /** Accounts the polling stretch that begins or ends now (metrics; wall-clock, not the loop's clock). */
    private void notePollMode(boolean on) {
        long t = System.nanoTime();
        if (on) {
            pollingSince = t;
        } else {
            pollNanos += t - pollingSince;
        }
    }

    private void updatePollMode(long now) {
        if (activity) {
            activity = false;
            seenActivity = true;
            lastActivity = now;
        }
        boolean want = pollSources.length > 0
                && (pins > 0 || (spinNanos > 0 && seenActivity && now - lastActivity < spinNanos));
        if (want != polling) {
            polling = want;
            pollPasses = 0;
            notePollMode(want);
            for (PollSource source : pollSources) {
                try {
                    if (want) {
                        source.enter();
                    } else {
                        source.exit();
                    }
                } catch (Throwable t) {
                    reportTaskError(t);
                }
            }
        }
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
        disposeRemote();
        LoopNode queued;
        while ((queued = tasks.poll()) != null) {
            if (queued instanceof Doorbell) {
                ((Doorbell) queued).close();
            } else if (queued instanceof LoopTask) {
                ((LoopTask) queued).dispose();
            }
        }
        for (TimerNode t : timers.drain()) {
            if (t instanceof LoopTask) {
                ((LoopTask) t).dispose();
            }
        }
        Arrays.fill(deferrals, 0, deferralCount, null);
        deferralCount = 0;
        fds.closeAll();
        if (polling) {
            polling = false;
            notePollMode(false);
            for (PollSource source : pollSources) {
                try {
                    source.exit();
                } catch (Throwable t) {
                    reportTaskError(t);
                }
            }
        }
        pollSources = NO_SOURCES;
        hooks.runOnceAndClear(HookList.CLOSE);
        if (allocator != null) {
            allocator.close();
        }
        poller.close();
        LIBC.close(wakeFd);
        NativeMemory.free(wakeMemory);
        if (clock instanceof VirtualClock) {
            ((VirtualClock) clock).detach((EventLoop) this);
        }
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        terminated.tryEmitEmpty();
    }

    /** A handle whose dispose runs once, on the loop thread. */
    static final class OnLoopDisposable implements Disposable {
        private final EventLoop loop;
        private final Runnable onDispose;
        private boolean disposed;

        OnLoopDisposable(EventLoop loop, Runnable onDispose) {
            this.loop = loop;
            this.onDispose = onDispose;
        }

        @Override
        public void dispose() {
            loop.checkInLoop("dispose");
            if (!disposed) {
                disposed = true;
                onDispose.run();
            }
        }

        @Override
        public boolean isDisposed() {
            return disposed;
        }
    }
}
