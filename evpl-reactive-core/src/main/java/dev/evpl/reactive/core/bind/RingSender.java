package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.internal.nativeio.IoVec;
import dev.evpl.reactive.core.internal.nativeio.MsgHdr;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import dev.evpl.reactive.core.internal.uring.UringOps;
import dev.evpl.reactive.core.internal.uring.LoopRing;

/**
 * The send side of a STREAM_IO_URING_TCP bind: one {@code SEND} (one slice) or {@code SENDMSG}
 * (several) of the queued slices at a time (from an iovec array of its own), or with
 * {@code UringConfig.sendZeroCopyMin} one
 * {@code SENDMSG_ZC} for a large flush. This object is the SQE's preparer and its completion, so a
 * write allocates nothing. Loop-confined.
 */
final class RingSender implements LoopRing.Prep, LoopRing.Completion {
    private static final int CQE_F_NOTIF = UringOps.CQE_F_NOTIF;

    private final RingStreamBind bind;
    private final LoopRing ring;
    private final SendQueue queue;
    private final int fd;
    private final int zeroCopyMin;
    /**
     * iovecs, then a msghdr for zero-copy sends: allocated by the first write (an idle connection
     * holds none), freed once closed and nothing is in flight.
     */
    private long iov;
    private int count;
    private boolean inFlight;
    private boolean closed;
    private long zeroCopySends;
    private final ZeroCopy zeroCopy = new ZeroCopy();

    RingSender(RingStreamBind bind, LoopRing ring, SendQueue queue, int fd) {
        this.bind = bind;
        this.ring = ring;
        this.queue = queue;
        this.fd = fd;
        this.zeroCopyMin = ring.loop().config().uring().sendZeroCopyMin();
    }

    /**
     * Starts a write of the queued slices unless one is in flight (its completion continues);
     * returns false when the queue had nothing to write.
     */
    boolean flush() {
        if (inFlight) {
            return true;
        }
        if (closed) {
            return false;
        }
        if (iov == 0) {
            iov = NativeMemory.allocate((long) LoopSockets.MAX_IOV * IoVec.SIZE + 64);
        }
        count = queue.fillIov(iov);
        if (count == 0) {
            return false;
        }
        inFlight = true;
        if (zeroCopyMin > 0 && queue.filledBytes >= zeroCopyMin) {
            zeroCopy.start();
        } else {
            ring.submit(this, this);
        }
        return true;
    }

    @Override
    public void prepare(long sqe, long userData) {
        // One slice (a short echo, a whole small response): SEND, the socket's path with no iovec;
        // several: SENDMSG gathering them. Both without SIGPIPE.
        if (count == 1) {
            UringOps.send(sqe, fd, IoVec.base(iov, 0), (int) IoVec.length(iov, 0), userData);
        } else {
            MsgHdr.set(header(), 0, 0, iov, count);
            UringOps.sendmsg(sqe, fd, header(), userData);
        }
    }

    /** The msghdr after the iovecs (SENDMSG and SENDMSG_ZC). */
    private long header() {
        return iov + (long) LoopSockets.MAX_IOV * IoVec.SIZE;
    }

    /** The write's result: bytes written, or -errno. */
    @Override
    public void complete(int res) {
        inFlight = false;
        if (closed) {
            free();
            bind.ringOpEnded(); // the kernel let go of the fd and the memory: the close may finish
            return;
        }
        bind.written(res);
    }

    /** A write (or a zero-copy send's notification) is outstanding: the kernel holds fd and memory. */
    boolean busy() {
        return inFlight;
    }

    /** The bind closed: the iovecs go now, or when the write in flight completes. */
    void close() {
        closed = true;
        free();
    }

    private void free() {
        if (iov != 0 && !inFlight) {
            NativeMemory.free(iov);
            iov = 0;
        }
    }

    /** Writes that went out with SENDMSG_ZC (tests). */
    long zeroCopySends() {
        return zeroCopySends;
    }

    /**
     * A {@code SENDMSG_ZC}: the kernel sends from the segments' own memory, so they are completed
     * (released) only when its notification says it is done with them, and the next write waits
     * for that. A first completion without {@code F_MORE} (an error) has no notification after it.
     */
    private final class ZeroCopy implements LoopRing.Prep, LoopRing.MultiCompletion {
        private int sent;

        void start() {
            sent = 0;
            zeroCopySends++;
            MsgHdr.set(header(), 0, 0, iov, count);
            ring.submit(this, this);
        }

        @Override
        public void prepare(long sqe, long userData) {
            UringOps.sendmsgZeroCopy(sqe, fd, header(), userData);
        }

        @Override
        public void complete(int res, int flags) {
            if ((flags & CQE_F_NOTIF) != 0) {
                RingSender.this.complete(sent); // the kernel let go of the memory
            } else if ((flags & LoopRing.CQE_F_MORE) != 0) {
                sent = res; // bytes sent; the notification follows
            } else {
                RingSender.this.complete(res);
            }
        }
    }
}
