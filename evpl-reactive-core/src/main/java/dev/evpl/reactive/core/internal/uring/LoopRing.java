package dev.evpl.reactive.core.internal.uring;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.Deferral;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.IoHandlerType;
import dev.evpl.reactive.core.internal.loop.CompletionQueue;
import dev.evpl.reactive.core.internal.loop.EpollIoHandler;
import dev.evpl.reactive.core.internal.loop.LoopAccess;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import java.util.ArrayDeque;

/**
 * The io_uring ring of one event loop, shared by every backend on it (block queues, io_uring
 * sockets), so disk and network completions wake the same loop.
 *
 * <p><b>Submission:</b> SQEs prepared during a pass go to the kernel together: with the ring as the
 * loop's I/O handler ({@link IoHandlerType#IO_URING}, or {@code AUTO}, the default) in the pass's
 * one {@code io_uring_enter}, else in one enter at the end of the pass (a {@link Deferral}); with
 * {@code UringConfig.sqPollIdle} a kernel
 * thread takes them without any enter. Operations beyond the ring's capacity wait in a queue and
 * go out as completions free slots. Multishot operations (accept, receive, the epoll poll) can post
 * more completions than the CQ holds; the kernel keeps those aside and {@link IoUring#reap} flushes
 * them back, so no completion is ever lost.
 *
 * <p><b>Waiting:</b> as the loop's I/O handler ({@link RingIoHandler}) the ring is created with
 * {@code DEFER_TASKRUN} and is where the loop sleeps: one enter submits, runs completion work and
 * waits; the loop's epoll set (sockets on epoll, the wake eventfd) is polled by the ring with a
 * multishot {@code POLL_ADD} and read without waiting only when that fired. Under
 * {@link IoHandlerType#EPOLL} the loop sleeps in epoll and the ring signals an eventfd there
 * (edge-triggered, never read); the epoll handler reaps the ring every pass. Measured (README),
 * the ring wait is a few percent ahead on ping-pong: one system call per pass instead of two.
 *
 * <p><b>Polling:</b> either handler reaps the ring from memory on polling passes, each completion
 * reporting activity, which keeps the loop polling through a busy period. Work
 * the kernel deferred to this thread ({@code DEFER_TASKRUN}) is flagged in the ring's memory
 * ({@code TASKRUN_FLAG}), so a polling pass enters only when there is some: polling an idle ring
 * makes no system call.
 *
 * <p><b>Registered resources:</b> the pool's slabs as fixed buffers ({@link FixedBuffers}),
 * descriptors used often as registered files ({@link FixedFiles}), the provided-buffer ring for
 * receives ({@link ProvidedBuffers}).
 *
 * <p>Loop-confined (created on the loop thread: the ring is {@code SINGLE_ISSUER}).
 */
public final class LoopRing implements CompletionQueue, IoUring.CompletionSink {
    /** The loop's ring, created on first use (held by the loop: nothing outlives it). */
    private static final dev.evpl.reactive.core.LoopLocal<LoopRing> RING =
            dev.evpl.reactive.core.LoopLocal.withInitial("io_uring ring", l -> new LoopRing(l, l.config().uring().entries()));

    static {
        // A loop configured IO_URING creates its ring as it starts.
        LoopAccess.installRingStarter(loop -> of((EventLoop) loop));
    }

    /** Called on the loop with an operation's result (bytes, or -errno). */
    @FunctionalInterface
    public interface Completion {
        void complete(int res);
    }

    /** A multishot operation's completions (with their CQE flags); the last has no {@link #CQE_F_MORE}. */
    public interface MultiCompletion extends Completion {
        void complete(int res, int flags);

        @Override
        default void complete(int res) {
            complete(res, 0);
        }
    }

    /** CQE flag: more completions of this (multishot) operation will follow. */
    public static final int CQE_F_MORE = UringOps.CQE_F_MORE;

    /** Prepares an SQE for an operation whose user data is given (the ring assigns it). */
    @FunctionalInterface
    public interface Prep {
        void prepare(long sqe, long userData);
    }

    private final EventLoop loop;
    private final IoUring ring;
    private final int eventFd;
    private final Deferral flush;
    /** The operations the kernel holds (see {@link RingSlots}). */
    private final RingSlots slots;
    /** One-shot operations in flight; at most {@link #limit} (the ring's entries), more wait their turn. */
    private int inFlight;
    private final int limit;
    /** Multishot operations armed. */
    private int multishots;
    private final ArrayDeque<Object[]> waiting = new ArrayDeque<>();
    private long submitted;
    private long completed;
    private long enters;
    private final FixedBuffers fixed;
    private final FixedFiles files;

    /** The loop's provided-buffer ring for socket receives; created on first use. */
    private ProvidedBuffers provided;
    private String providedError;
    static final int PROVIDED_ENTRIES = 256;
    static final int PROVIDED_SIZE = 16 * 1024;

    /**
     * The loop's provided buffers (256 pooled buffers of 16 KiB, registered on first use), or null
     * when the kernel refuses them ({@link #providedBuffersProblem()} says why); receives then
     * name their buffer up front.
     */
    public ProvidedBuffers providedBuffers() {
        if (provided == null && providedError == null && !closedRing) {
            String[] why = new String[1];
            // One receive fills one buffer contiguously: never larger than a pool buffer (BufferConfig
            // allows 4 KiB ones), or the kernel would write past the first buffer of a composite.
            int size = Math.min(PROVIDED_SIZE, loop.allocator().pool().config().bufferSize());
            provided = ProvidedBuffers.create(ring, loop.allocator(), PROVIDED_ENTRIES, size, why);
            providedError = why[0];
        }
        return provided;
    }

    /** Why the provided-buffer ring is unavailable, or null. */
    public String providedBuffersProblem() {
        return providedError;
    }

    private LoopRing(EventLoop loop, int entries) {
        this.loop = loop;
        this.waitOnRing = loop.config().ioHandler() != IoHandlerType.EPOLL;
        this.ring = IoUring.create(entries, waitOnRing, (int) loop.config().uring().sqPollIdle().toMillis());
        this.files = new FixedFiles(ring);
        int efd = -1;
        if (!waitOnRing) {
            efd = LIBC.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC);
            if (efd < 0) {
                ring.close();
                throw Native.error("eventfd", "io_uring completions");
            }
            RingRegister.registerEventFd(ring.fd(), efd);
        }
        this.eventFd = efd;
        limit = ring.entries();
        slots = new RingSlots(limit);
        this.flush = loop.deferral(this::submitNow);
        this.epoll = LoopAccess.get().epoll(loop);
        if (waitOnRing) {
            // The ring does the loop's kernel wait; the epoll set (sockets, wake-up) is one of its
            // polled files, so one io_uring_enter per pass submits and waits.
            LoopAccess.get().useIoHandler(loop, new RingIoHandler(epoll, this));
        } else {
            epoll.attach(this, efd);
            LoopAccess.get().useIoHandler(loop, epoll); // now pollable: the loop may spin on the ring
        }
        loop.addCloseHook(this::close);
        fixed = new FixedBuffers(ring, loop);
    }

    /**
     * The fixed-buffer slot holding {@code [address, address + length)}, or -1 (memory outside the
     * pool, or a slab the kernel would not pin): use {@code READ_FIXED}/{@code WRITE_FIXED} with it.
     */
    public int fixedBufferIndex(long address, int length) {
        return fixed.index(address, length);
    }

    /**
     * Registers {@code fd} with the ring for operations that name it often (block devices);
     * returns its slot, for SQEs marked with {@link UringOps#fixedFile}, or -1 when the kernel
     * refuses ({@link #registeredFileProblem()}): then use the descriptor itself. Loop thread only.
     */
    public int registerFile(int fd) {
        return closedRing ? -1 : files.register(fd);
    }

    /** Gives back a slot from {@link #registerFile}; operations under way still complete. Loop thread only. */
    public void unregisterFile(int slot) {
        if (!closedRing) {
            files.release(slot);
        }
    }

    /** Descriptors registered now. */
    public int registeredFileCount() {
        return files.registered();
    }

    /** Why a file registration failed, or null. */
    public String registeredFileProblem() {
        return files.problem();
    }

    /** Slabs registered as fixed buffers. */
    public int fixedBufferCount() {
        return fixed.count();
    }

    /** Why some or all slabs are not fixed buffers, or null. */
    public String fixedBufferProblem() {
        return fixed.problem();
    }

    /** The ring of {@code loop}, created on first use; loop thread only. */
    public static LoopRing of(EventLoop loop) {
        if (!loop.inLoop()) {
            throw new IllegalStateException("LoopRing.of must be called on the loop thread");
        }
        return RING.get(loop);
    }

    /** Whether io_uring is usable in this process. */
    public static boolean isAvailable() {
        return IoUring.isAvailable();
    }

    /** Why not. */
    public static String unavailableReason() {
        return IoUring.unavailableReason();
    }

    /** The loop. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Queues one operation: {@code prep} fills its SQE now (or when a slot frees up), and
     * {@code done} gets its result on the loop. Submitted at the end of this pass.
     *
     * <p>Beyond {@code ringEntries} in flight an operation waits here, unbounded by a limit of its
     * own: its callers bound it (a stream bind keeps at most one receive, one send and one cancel
     * or close in flight; a block queue at most its {@code queueDepth}, with a bounded wait queue
     * of its own), so it holds at most a few entries per connection plus the block depths.
     */
    public void submit(Prep prep, Completion done) {
        if (closedRing) {
            done.complete(-dev.evpl.reactive.core.io.Errno.ECANCELED); // the loop is shutting down
            return;
        }
        if (inFlight >= limit) {
            waiting.add(new Object[] {prep, done});
            return;
        }
        start(prep, done, false);
    }

    /**
     * Whether a {@link #submit} now fills its SQE before returning (the ring is open and has a free
     * slot), so a caller may pass a preparer it reuses for the next operation.
     */
    public boolean startsNow() {
        return !closedRing && inFlight < limit;
    }

    private void start(Prep prep, Completion done, boolean multi) {
        long sqe = ring.nextSqe();
        if (sqe == 0) {
            // SQ full of unsubmitted entries: push them now (SQPOLL: let its thread catch up), then take a slot.
            submitting();
            ring.makeRoom();
            enters++;
            sqe = ring.nextSqe();
        }
        long user = slots.take(done, multi); // only multishots outgrow the table: one-shots stop at the limit
        if (multi) {
            multishots++;
        } else {
            inFlight++;
        }
        prep.prepare(sqe, user);
        ring.commit();
        submitted++;
        if (!waitOnRing) {
            flush.arm(); // with the ring wait, the next pass's one enter submits
        }
        lastUserData = user;
    }

    private long lastUserData;

    /**
     * Starts a multishot operation (multishot accept, later receive): {@code done} hears every
     * completion and the slot stays held until one arrives without {@link #CQE_F_MORE}. Returns its
     * user data, for {@link #cancel}. Starts at once whatever the ring holds: multishots are one per
     * connection or listener and hold their slot while armed, so they do not count against the
     * one-shot limit (which would let 256 connections stall every other operation); the slot table
     * grows instead, and a full SQ is submitted to make room.
     */
    public long submitMultishot(Prep prep, MultiCompletion done) {
        if (closedRing) {
            done.complete(-dev.evpl.reactive.core.io.Errno.ECANCELED, 0);
            return -1;
        }
        start(prep, done, true);
        return lastUserData;
    }

    /** Multishot operations armed now (tests). */
    public int multishots() {
        return multishots;
    }

    /** Asks the kernel to cancel the operation with {@code userData} (its completion reports -ECANCELED). */
    public void cancel(long userData) {
        if (userData < 0 || closedRing) {
            return;
        }
        submit((sqe, user) -> UringOps.cancel(sqe, userData, user), res -> { });
    }

    private final boolean waitOnRing;
    private final EpollIoHandler epoll;
    private long submittingEnters;

    /** Counts an enter that carries submissions (called just before it). */
    private void submitting() {
        if (ring.pending() > 0) {
            submittingEnters++;
        }
    }

    /** Times the ring's SQPOLL thread had gone to sleep and was woken to take new submissions. */
    public long sqWakeups() {
        return ring.sqWakeups();
    }

    /** {@code io_uring_enter} calls that submitted something (the others only waited or ran completion work). */
    public long submittingEnterCount() {
        return submittingEnters;
    }

    /** Ring wait: the pass ({@code loop.iterations()}) that made its io_uring_enter already. */
    private long enteredInPass = -1;

    /**
     * The ring handler's kernel wait: submits the pass's operations and waits in one
     * {@code io_uring_enter} of up to {@code timeoutNanos} (0: no wait); skipped when there is
     * nothing to submit, no task work and no wait.
     */
    void enterAndWait(long timeoutNanos) {
        if (timeoutNanos != 0 || ring.pending() > 0 || ring.taskWorkPending()) {
            submitting();
            ring.submitAndWait(timeoutNanos); // with DEFER_TASKRUN this is also where completions are made
            enters++;
            enteredInPass = loop.iterations();
        }
    }

    /** Whether completions are in the CQ now (read from memory). */
    boolean hasCompletions() {
        return ring.hasCompletions();
    }

    /** Whether the ring is closed (a multishot ending now must not re-arm). */
    boolean isClosed() {
        return closedRing;
    }

    /**
     * Submits what is prepared now, in one enter (none when nothing is): at the end of a pass
     * waiting in epoll, or for an owner whose operations should not wait for the pass's batch.
     * Loop thread.
     */
    public void submitNow() {
        if (ring.pending() > 0) {
            submitting();
            ring.submit();
            enters++;
        }
    }

    @Override
    public void complete(long userData, int res, int flags) {
        Completion c = slots.lookup(userData);
        if (c == null) {
            return; // a completion for a slot already freed (cannot happen unless the kernel repeats one)
        }
        boolean more = c instanceof MultiCompletion && (flags & CQE_F_MORE) != 0;
        if (!more) {
            if (slots.release(userData)) {
                multishots--;
            } else {
                inFlight--;
                Object[] next = waiting.poll();
                if (next != null) {
                    start((Prep) next[0], (Completion) next[1], false);
                }
            }
            completed++;
        }
        // One owner's exception must not kill the loop, nor keep the rest of the CQ from its owners.
        try {
            if (c instanceof MultiCompletion m) {
                m.complete(res, flags); // with MORE the operation stays armed: its slot stays held
            } else {
                c.complete(res);
            }
        } catch (Throwable t) {
            loop.reportCallbackError(t);
        }
    }

    private int reapAll() {
        int n = ring.reap(this);
        if (n > 0) {
            loop.reportActivity();
        }
        return n;
    }

    /**
     * Every pass, from either handler: runs the completions in memory. A pass that made no enter
     * yet enters only when the ring's flags say there is work: submissions pending under the ring
     * wait (a polling pass skipped the wait that would submit them) or completion work the kernel
     * deferred to this thread; otherwise reaping reads the CQ from memory and makes no system call.
     */
    @Override
    public int reap() {
        if (enteredInPass != loop.iterations() && ((waitOnRing && ring.pending() > 0) || ring.taskWorkPending())) {
            submitting();
            if (ring.taskWorkPending()) {
                ring.runTaskWork();
            } else {
                ring.submit();
            }
            enters++;
            enteredInPass = loop.iterations();
        }
        return ring.hasCompletions() ? reapAll() : 0;
    }

    /** Operations in flight (prepared or submitted, not completed); at most the ring's entries. */
    public int inFlight() {
        return inFlight;
    }

    /** Operations waiting for a free slot. */
    public int waiting() {
        return waiting.size();
    }

    /** Operations submitted so far. */
    public long submittedCount() {
        return submitted;
    }

    /** Operations completed so far. */
    public long completedCount() {
        return completed;
    }

    /** {@code io_uring_enter} calls made for submission (one per pass with submissions, at most). */
    public long enterCount() {
        return enters;
    }

    /** Setup flags the kernel accepted (SINGLE_ISSUER, COOP_TASKRUN, SUBMIT_ALL when possible). */
    public int setupFlags() {
        return ring.flags();
    }

    private boolean closedRing;

    /** One owner's failure must not keep the others from getting their memory back. */
    private void cancelled(Completion c) {
        try {
            c.complete(-dev.evpl.reactive.core.io.Errno.ECANCELED);
        } catch (RuntimeException e) {
            loop.reportCallbackError(e);
        }
    }

    private void close() {
        closedRing = true;
        RING.remove(loop);
        fixed.close();
        // In-flight operations cannot complete into a closed ring: their owners were closed first
        // (close hooks run after the loop stopped accepting work); fail what is left.
        slots.drain(this::cancelled);
        Object[] w;
        while ((w = waiting.poll()) != null) {
            cancelled((Completion) w[1]);
        }
        if (provided != null) {
            provided.close();
        }
        if (waitOnRing) {
            LoopAccess.get().useIoHandler(loop, epoll); // the epoll set outlives the ring: the loop closes it
        } else {
            epoll.attach(null, -1);
        }
        ring.close();
        if (eventFd >= 0) {
            LIBC.close(eventFd);
        }
    }
}
