package dev.evpl.reactive.core.internal.uring;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One io_uring instance, set up and driven with raw system calls (io_uring_setup/enter/register)
 * through JNR: the submission and completion rings and the SQE array are mapped into this process
 * (one mapping with {@code IORING_FEAT_SINGLE_MMAP}); ring indexes are read with acquire and
 * written with release semantics through {@code byteBufferViewVarHandle} on a view of the mapping.
 *
 * <p>Not thread-safe: owned by one thread (created with {@code SINGLE_ISSUER} when the kernel
 * accepts it). Internal SPI for backends (block I/O, later the io_uring socket backend).
 */
public final class IoUring implements AutoCloseable {
    // Opcodes and SQE fields beyond the common ones: UringOps (the one place that knows them).

    static final int SETUP_SQPOLL = 1 << 1;
    static final int SETUP_SUBMIT_ALL = 1 << 7;
    static final int SETUP_COOP_TASKRUN = 1 << 8;
    static final int SETUP_TASKRUN_FLAG = 1 << 9;
    static final int SETUP_SINGLE_ISSUER = 1 << 12;
    static final int SETUP_DEFER_TASKRUN = 1 << 13;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final int ENTER_GETEVENTS = 1;
    private static final int ENTER_SQ_WAKEUP = 1 << 1;
    private static final int ENTER_SQ_WAIT = 1 << 2;
    /** sq_flags bit: the SQPOLL thread went to sleep and needs a wake-up to see new entries. */
    private static final int SQ_NEED_WAKEUP = 1;
    /** sq_flags bit: the CQ overflowed and the kernel holds completions aside. */
    private static final int SQ_CQ_OVERFLOW = 1 << 1;
    /** sq_flags bit ({@code TASKRUN_FLAG} rings): completion work is waiting for an enter. */
    private static final int SQ_TASKRUN = 1 << 2;
    private static final long OFF_SQ_RING = 0;
    private static final long OFF_SQES = 0x10000000L;
    private static final int SQE_SIZE = 64;
    private static final int CQE_SIZE = 16;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final int fd;
    private final long ring;
    private final long ringSize;
    private final long sqes;
    private final long sqesSize;
    private final ByteBuffer view;
    private final int sqHead;
    private final int sqTail;
    private final int sqMask;
    private final int sqEntries;
    private final long sqArray;
    private final int sqFlags;
    private long overflowFlushes;
    private final int cqHead;
    private final int cqTail;
    private final int cqMask;
    private final int cqes;
    private final int flags;
    /** SQPOLL: a kernel thread consumes the SQ; the owner only wakes it when it sleeps. */
    private final boolean sqPoll;
    private long sqWakeups;
    /** Our copy of the SQ tail (published with release by {@link #commit}). */
    private int tail;
    /** Committed SQEs the kernel has not consumed yet (always 0 with SQPOLL: its thread consumes them). */
    private int toSubmit;
    private boolean closed;
    /** What enters name: the index of the ring registered for its owner thread, or its descriptor. */
    private int enterFd;
    private int enterFlag;
    private int registeredIndex;
    private static final int ENTER_REGISTERED_RING = 1 << 4;

    /** Why io_uring cannot be used in this process, or null when it can (probed once). */
    private static final String UNAVAILABLE = IoUringProbe.probe();

    private IoUring(int entries, boolean deferTaskrun, int sqPollIdleMillis) {
        long params = NativeMemory.allocate(120);
        try {
            NativeMemory.zero(params, 120);
            // DEFER_TASKRUN: completion work runs only inside this thread's io_uring_enter(GETEVENTS),
            // for a ring that is also where the thread waits; else COOP_TASKRUN (no IPI per completion).
            // SQPOLL excludes both (its kernel thread runs the completion work).
            // TASKRUN_FLAG: the kernel flags pending completion work in sq_flags, so a polling loop
            // enters only when there is some (polling is then free: no system call while idle).
            int wanted = SETUP_SINGLE_ISSUER | SETUP_SUBMIT_ALL | (sqPollIdleMillis > 0 ? SETUP_SQPOLL
                    : deferTaskrun ? SETUP_DEFER_TASKRUN | SETUP_TASKRUN_FLAG : SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG);
            NativeMemory.putInt(params + 8, wanted);
            NativeMemory.putInt(params + 16, sqPollIdleMillis); // sq_thread_idle
            long rc = LIBC.syscall(Linux.SYS_IO_URING_SETUP, entries, params, 0, 0, 0, 0);
            if (rc < 0 && Native.errno() == Errno.EINVAL && (wanted & SETUP_TASKRUN_FLAG) != 0) {
                NativeMemory.zero(params, 120); // a kernel without TASKRUN_FLAG (older than 5.19)
                NativeMemory.putInt(params + 8, wanted & ~SETUP_TASKRUN_FLAG);
                rc = LIBC.syscall(Linux.SYS_IO_URING_SETUP, entries, params, 0, 0, 0, 0);
            }
            if (rc < 0 && Native.errno() == Errno.EINVAL) {
                // Older kernels refuse newer setup flags: fall back to a plain ring (SQPOLL kept when asked).
                NativeMemory.zero(params, 120);
                NativeMemory.putInt(params + 8, sqPollIdleMillis > 0 ? SETUP_SQPOLL : 0);
                NativeMemory.putInt(params + 16, sqPollIdleMillis);
                rc = LIBC.syscall(Linux.SYS_IO_URING_SETUP, entries, params, 0, 0, 0, 0);
            }
            if (rc < 0) {
                throw Native.error("io_uring_setup", entries + " entries");
            }
            fd = (int) rc;
            flags = NativeMemory.getInt(params + 8);
            sqPoll = (flags & SETUP_SQPOLL) != 0;
            int features = NativeMemory.getInt(params + 20);
            if ((features & FEAT_SINGLE_MMAP) == 0) {
                LIBC.close(fd);
                throw NativeIoException.of("io_uring_setup", "kernel without IORING_FEAT_SINGLE_MMAP (older than 5.4)", Errno.ENOSYS);
            }
            sqEntries = NativeMemory.getInt(params);
            int cqEntries = NativeMemory.getInt(params + 4);
            long sq = params + 40;
            long cq = params + 80;
            long sqRingSize = NativeMemory.getInt(sq + 24) + 4L * sqEntries; // sq_off.array + entries * u32
            long cqRingSize = NativeMemory.getInt(cq + 20) + (long) CQE_SIZE * cqEntries; // cq_off.cqes + entries * cqe
            ringSize = Math.max(sqRingSize, cqRingSize);
            ring = LIBC.mmap(null, ringSize, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_SHARED | Linux.MAP_POPULATE, fd, OFF_SQ_RING);
            if (ring == Linux.MAP_FAILED) {
                NativeIoException e = Native.error("mmap", "io_uring rings");
                LIBC.close(fd);
                throw e;
            }
            sqesSize = (long) SQE_SIZE * sqEntries;
            sqes = LIBC.mmap(null, sqesSize, Linux.PROT_READ | Linux.PROT_WRITE, Linux.MAP_SHARED | Linux.MAP_POPULATE, fd, OFF_SQES);
            if (sqes == Linux.MAP_FAILED) {
                NativeIoException e = Native.error("mmap", "io_uring SQEs");
                LIBC.munmap(ring, ringSize);
                LIBC.close(fd);
                throw e;
            }
            view = NativeMemory.view(ring, (int) ringSize);
            sqHead = NativeMemory.getInt(sq);
            sqTail = NativeMemory.getInt(sq + 4);
            sqMask = NativeMemory.getInt(ring + NativeMemory.getInt(sq + 8));
            sqArray = ring + NativeMemory.getInt(sq + 24);
            sqFlags = NativeMemory.getInt(sq + 16);
            cqHead = NativeMemory.getInt(cq);
            cqTail = NativeMemory.getInt(cq + 4);
            cqMask = NativeMemory.getInt(ring + NativeMemory.getInt(cq + 8));
            cqes = NativeMemory.getInt(cq + 20);
            tail = (int) INT.getAcquire(view, sqTail);
            int index = RingRegister.registerRingFd(fd);
            registeredIndex = index;
            enterFd = index >= 0 ? index : fd;
            enterFlag = index >= 0 ? ENTER_REGISTERED_RING : 0;
        } finally {
            NativeMemory.free(params);
        }
    }

    /** A ring of {@code entries} submission slots (a power of two; the CQ gets twice as many). */
    public static IoUring create(int entries) {
        return create(entries, false, 0);
    }

    /**
     * A ring as {@link #create(int)}; {@code deferTaskrun}: with {@code DEFER_TASKRUN}, whose
     * completions appear only after {@link #submitAndWait} (or {@link #runTaskWork}) on the owner thread;
     * {@code sqPollIdleMillis > 0}: with {@code SQPOLL} instead, a kernel thread that consumes the
     * SQ and sleeps after that many idle milliseconds (no enter needed to submit while it is awake).
     */
    public static IoUring create(int entries, boolean deferTaskrun, int sqPollIdleMillis) {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException("io_uring is unavailable: " + UNAVAILABLE);
        }
        return new IoUring(entries, deferTaskrun, sqPollIdleMillis);
    }

    /** Times the SQPOLL thread was asleep and had to be woken by an enter. */
    public long sqWakeups() {
        return sqWakeups;
    }

    /** Whether completion work is deferred to this thread's enters ({@code DEFER_TASKRUN} accepted). */
    public boolean defersTaskWork() {
        return (flags & SETUP_DEFER_TASKRUN) != 0;
    }

    /**
     * Whether completion work waits for an enter of this thread before its completions appear in
     * the CQ: read from the ring's flags ({@code TASKRUN_FLAG}), no system call. Without that flag
     * a {@code DEFER_TASKRUN} ring must be assumed to have some.
     */
    public boolean taskWorkPending() {
        if ((flags & SETUP_TASKRUN_FLAG) != 0) {
            return (((int) INT.getAcquire(view, sqFlags)) & SQ_TASKRUN) != 0;
        }
        return defersTaskWork();
    }

    /** Submits what was prepared and runs pending completion work without waiting; one system call. */
    public int runTaskWork() {
        long rc = enter0(toSubmit, 0, ENTER_GETEVENTS);
        if (rc < 0) {
            int errno = Native.errno();
            if (errno == Errno.EINTR || errno == Errno.EAGAIN || errno == 16) {
                return 0;
            }
            throw NativeIoException.of("io_uring_enter", "ring " + fd, errno);
        }
        toSubmit -= (int) rc;
        return (int) rc;
    }

    /** Whether io_uring works in this process. */
    public static boolean isAvailable() {
        return UNAVAILABLE == null;
    }

    /** Why not, when {@link #isAvailable()} is false (e.g. "io_uring_setup: EPERM (1) — disabled by sysctl or seccomp"). */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }


    /** The ring's descriptor. */
    public int fd() {
        return fd;
    }

    /** Setup flags the kernel accepted. */
    public int flags() {
        return flags;
    }

    /** Submission slots. */
    public int entries() {
        return sqEntries;
    }

    /** SQEs prepared and not yet submitted. */
    public int pending() {
        return toSubmit;
    }

    /**
     * Address of the next free SQE, zeroed, or 0 when the submission queue is full ({@link #makeRoom}
     * first). Fill it with {@link #prep} and friends, then {@link #commit} it: until then the kernel
     * does not see it (an SQPOLL thread would otherwise read it half written).
     */
    public long nextSqe() {
        int head = (int) INT.getAcquire(view, sqHead);
        if (tail - head >= sqEntries) {
            return 0;
        }
        int index = tail & sqMask;
        long sqe = sqes + (long) index * SQE_SIZE;
        NativeMemory.zero(sqe, SQE_SIZE);
        NativeMemory.putInt(sqArray + 4L * index, index);
        return sqe;
    }

    /**
     * Publishes the SQE {@link #nextSqe} returned (filled): a release store of the tail. Without
     * SQPOLL the next enter submits it; with SQPOLL the kernel thread picks it up, and is woken
     * here (one enter) only when it has gone to sleep.
     */
    public void commit() {
        tail++;
        INT.setRelease(view, sqTail, tail);
        if (!sqPoll) {
            toSubmit++;
            return;
        }
        // The tail store must be visible before the flag is read (the kernel orders its side the
        // same way before it sleeps), else both could miss each other: a full fence.
        VarHandle.fullFence();
        if ((((int) INT.getAcquire(view, sqFlags)) & SQ_NEED_WAKEUP) != 0) {
            sqWakeups++;
            enter(0, 0, ENTER_SQ_WAKEUP);
        }
    }

    /** The SQ is full: submits it (or, with SQPOLL, waits until the kernel thread has consumed some). */
    public void makeRoom() {
        if (sqPoll) {
            enter(0, 0, ENTER_SQ_WAKEUP | ENTER_SQ_WAIT);
        } else {
            submit();
        }
    }

    /**
     * {@code io_uring_enter} without an argument block ({@code argp} null): the six-parameter JNR
     * binding (its fast path), naming the registered ring when there is one.
     */
    private long enter0(int submit, int minComplete, int enterFlags) {
        return LIBC.syscall(Linux.SYS_IO_URING_ENTER, enterFd, submit, minComplete, enterFlags | enterFlag, (jnr.ffi.Pointer) null);
    }

    /** Whether enters name the ring by its registered index (tests). */
    public boolean ringRegistered() {
        return enterFlag != 0;
    }

    private void enter(int submit, int waitFor, int enterFlags) {
        long rc = enter0(submit, waitFor, enterFlags);
        if (rc < 0) {
            int errno = Native.errno();
            if (errno != Errno.EINTR && errno != Errno.EAGAIN) {
                throw NativeIoException.of("io_uring_enter", "ring " + fd, errno);
            }
        }
    }

    /** Fills an SQE's common fields: opcode, fd, address, length, file offset, op flags, user data ({@link UringOps} calls this). */
    static void prep(long sqe, byte opcode, int fd, long addr, int len, long offset, int opFlags, long userData) {
        NativeMemory.putByte(sqe, opcode);
        NativeMemory.putInt(sqe + 4, fd);
        NativeMemory.putLong(sqe + 8, offset);
        NativeMemory.putLong(sqe + 16, addr);
        NativeMemory.putInt(sqe + 24, len);
        NativeMemory.putInt(sqe + 28, opFlags);
        NativeMemory.putLong(sqe + 32, userData);
    }

    /**
     * Submits everything prepared (one system call, none when nothing is); returns the number
     * submitted.
     */
    public int submit() {
        if (toSubmit == 0) {
            return 0;
        }
        long rc = enter0(toSubmit, 0, 0);
        if (rc < 0) {
            int errno = Native.errno();
            if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
                return 0; // nothing consumed; the next pass submits again
            }
            throw NativeIoException.of("io_uring_enter", "ring " + fd, errno);
        }
        toSubmit -= (int) rc;
        return (int) rc;
    }

    private static final int ENTER_EXT_ARG = 1 << 3;
    private static final int ETIME = 62;
    /** struct io_uring_getevents_arg (24 bytes) followed by a __kernel_timespec; allocated on first wait. */
    private long waitArg;

    /**
     * Submits everything prepared and waits up to {@code timeoutNanos} (negative: no limit; zero: no
     * wait) for at least one completion; one system call (the kernel's {@code EXT_ARG} timeout, no
     * timeout SQE). Returns the number submitted; a wait that timed out or was interrupted returns
     * normally.
     */
    public int submitAndWait(long timeoutNanos) {
        if (timeoutNanos == 0) {
            return taskWorkPending() ? runTaskWork() : submit();
        }
        long rc;
        if (timeoutNanos < 0) {
            rc = enter0(toSubmit, 1, ENTER_GETEVENTS); // no limit: no argument block needed
        } else {
            if (waitArg == 0) {
                waitArg = NativeMemory.allocate(40);
                NativeMemory.zero(waitArg, 40);
            }
            long ts = waitArg + 24;
            NativeMemory.putLong(ts, timeoutNanos / 1_000_000_000L);
            NativeMemory.putLong(ts + 8, timeoutNanos % 1_000_000_000L);
            NativeMemory.putLong(waitArg + 16, ts);
            // argsz must be passed: the seven-parameter binding (slower, but this wait sleeps anyway)
            rc = LIBC.syscall(Linux.SYS_IO_URING_ENTER, enterFd, toSubmit, 1, ENTER_GETEVENTS | ENTER_EXT_ARG | enterFlag, waitArg, 24);
        }
        if (rc < 0) {
            int errno = Native.errno();
            if (errno == Errno.EINTR || errno == Errno.EAGAIN || errno == ETIME || errno == 16 /* EBUSY: CQ overflow to flush */) {
                return 0; // nothing submitted (else the count would have been returned); the wait ended
            }
            throw NativeIoException.of("io_uring_enter", "ring " + fd, errno);
        }
        toSubmit -= (int) rc;
        return (int) rc;
    }

    /** Whether completions are waiting (reads the CQ tail: no system call). */
    public boolean hasCompletions() {
        return (int) INT.getAcquire(view, cqTail) != (int) INT.getAcquire(view, cqHead);
    }

    /** Receives the completions reaped by {@link #reap}. */
    public interface CompletionSink {
        /** One completion: its user data, result (a byte count, or -errno) and flags. */
        void complete(long userData, int res, int flags);
    }

    /**
     * Hands every waiting completion to {@code sink} and frees their slots; returns how many. Also
     * completions the kernel kept aside because the CQ was full (multishot operations can outrun
     * any CQ size; with {@code IORING_FEAT_NODROP} nothing is dropped, but they only come back
     * through an {@code io_uring_enter} with {@code GETEVENTS}): when the ring says so, they are
     * flushed into the CQ and reaped too, so no completion is ever lost.
     */
    public int reap(CompletionSink sink) {
        int n = reapQueue(sink);
        while ((((int) INT.getAcquire(view, sqFlags)) & SQ_CQ_OVERFLOW) != 0) {
            overflowFlushes++;
            enter0(0, 0, ENTER_GETEVENTS);
            int more = reapQueue(sink);
            n += more;
            if (more == 0 && (((int) INT.getAcquire(view, sqFlags)) & SQ_CQ_OVERFLOW) != 0) {
                break; // nothing moved: try again on the next pass rather than spin here
            }
        }
        return n;
    }

    /** Times completions kept aside by the kernel were flushed back (tests, metrics). */
    public long overflowFlushes() {
        return overflowFlushes;
    }

    private int reapQueue(CompletionSink sink) {
        int head = (int) INT.getAcquire(view, cqHead);
        int available = (int) INT.getAcquire(view, cqTail);
        int n = 0;
        while (head != available) {
            long cqe = ring + cqes + (long) (head & cqMask) * CQE_SIZE;
            long userData = NativeMemory.getLong(cqe);
            int res = NativeMemory.getInt(cqe + 8);
            int cqeFlags = NativeMemory.getInt(cqe + 12);
            head++;
            // Free the slot before the callback: it may submit, and the kernel may post into it.
            INT.setRelease(view, cqHead, head);
            sink.complete(userData, res, cqeFlags);
            n++;
            if (head == available) {
                available = (int) INT.getAcquire(view, cqTail);
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (waitArg != 0) {
                NativeMemory.free(waitArg);
            }
            if (registeredIndex >= 0) {
                // Registered for the owner thread, which holds the ring until it is unregistered
                // (or exits): give the index back, then the descriptor's close frees the ring.
                RingRegister.unregisterRingFd(fd, registeredIndex);
            }
            LIBC.munmap(sqes, sqesSize);
            LIBC.munmap(ring, ringSize);
            LIBC.close(fd);
        }
    }
}
