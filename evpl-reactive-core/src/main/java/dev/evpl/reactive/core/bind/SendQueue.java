package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;
import dev.evpl.reactive.core.internal.bind.SendCallback;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.IoVec;
import dev.evpl.reactive.core.internal.nativeio.Native;
import java.util.Arrays;

/**
 * The segments a bind still has to write, in order, with the operation each belongs to. A ring of
 * two parallel arrays (no node per entry). {@link #writeOut} gathers up to 64 slices into one
 * {@code writev} and handles partial writes by remembering where the head stopped. Loop-confined.
 */
final class SendQueue {
    private final SocketStreamBind bind;
    private Segment[] segments = new Segment[16];
    private SendCallback[] ops = new SendCallback[16];
    private int head;
    private int size;
    private int bytes;
    /** Slice of the head segment and offset in it where the next write starts. */
    private int headSlice;
    private int headOffset;
    /** Whole segments written since the last {@link #takeWrittenMessages()}. */
    private long writtenMessages;
    /** Bytes written since the last {@link #takeWrittenBytes()}. */
    private long writtenBytes;

    /** The loop's I/O counters (the bind adds its reads here too). */
    final dev.evpl.reactive.core.internal.loop.IoCounters counters;

    SendQueue(SocketStreamBind bind) {
        this.bind = bind;
        this.counters = dev.evpl.reactive.core.internal.loop.LoopAccess.get().ioCounters(bind.loop());
    }

    boolean isEmpty() {
        return size == 0;
    }

    int bytes() {
        return bytes;
    }

    void add(Segment s, SendCallback op) {
        if (size == segments.length) {
            grow();
        }
        int at = (head + size) & (segments.length - 1);
        segments[at] = s;
        ops[at] = op;
        size++;
        bytes += s.readableBytes();
    }

    private void grow() {
        int n = segments.length;
        Segment[] s = new Segment[n * 2];
        SendCallback[] o = new SendCallback[n * 2];
        for (int i = 0; i < size; i++) {
            s[i] = segments[(head + i) & (n - 1)];
            o[i] = ops[(head + i) & (n - 1)];
        }
        segments = s;
        ops = o;
        head = 0;
    }

    /**
     * Fills {@code iov} with up to {@link LoopSockets#MAX_IOV} slices from the head (for a write the
     * kernel performs later: io_uring); returns the count (0: nothing to write), the bytes in
     * {@link #filledBytes}. Follow with {@link #afterWrite} when the write completed.
     */
    int fillIov(long iov) {
        while (size > 0) {
            int mask = segments.length - 1;
            int count = 0;
            long total = 0;
            for (int e = 0; e < size && count < LoopSockets.MAX_IOV; e++) {
                Segment s = segments[(head + e) & mask];
                int slices = s.sliceCount();
                for (int k = e == 0 ? headSlice : 0; k < slices && count < LoopSockets.MAX_IOV; k++) {
                    int offset = e == 0 && k == headSlice ? headOffset : 0;
                    int length = s.sliceLength(k) - offset;
                    if (length > 0) {
                        IoVec.set(iov, count++, s.sliceAddress(k) + offset, length);
                        total += length;
                    }
                }
            }
            if (count > 0) {
                filledBytes = total;
                return count;
            }
            consume(0); // only empty segments at the head
        }
        return 0;
    }

    /** Bytes described by the last {@link #fillIov}. */
    long filledBytes;

    /** {@code n} bytes of the filled slices were written: completes the segments they cover. */
    void afterWrite(long n) {
        writtenBytes += n;
        counters.sent += n;
        consume(n);
    }

    /** {@link #writeOut}: everything queued was written. */
    static final int WRITTEN = 0;
    /** {@link #writeOut}: the kernel's buffer is full (EAGAIN or a short write): an EPOLLOUT edge will come. */
    static final int BLOCKED = 1;
    /**
     * {@link #writeOut}: the pass's share of writes is done and the socket still takes more. No edge
     * will come for a socket that never filled (edge-triggered epoll): the caller continues itself.
     */
    static final int MORE = 2;

    /** Writes rounds of one {@code writev} each per call: bounds one connection's share of a pass. */
    static final int ROUNDS = 4;

    /**
     * Writes as much as the kernel takes, for up to {@link #ROUNDS} rounds; returns {@link #WRITTEN},
     * {@link #BLOCKED}, {@link #MORE}, or {@code -errno} on a connection error.
     */
    int writeOut(int fd) {
        long iov = bind.iovScratch();
        for (int round = 0; round < ROUNDS && size > 0; round++) {
            // Fresh each round: completing an op may make its publisher emit and the ring grow.
            int count = fillIov(iov);
            if (count == 0) {
                return WRITTEN; // only empty segments were queued
            }
            long total = filledBytes;
            long n = LIBC.writev(fd, iov, count);
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN) {
                    return BLOCKED;
                }
                if (errno == Errno.EINTR) {
                    continue;
                }
                return -errno;
            }
            writtenBytes += n;
            counters.sent += n;
            consume(n);
            if (n < total) {
                return BLOCKED; // the socket buffer is full
            }
        }
        return size == 0 ? WRITTEN : MORE;
    }

    private void consume(long n) {
        while (size > 0) {
            int mask = segments.length - 1; // op.written() below may grow the ring
            Segment s = segments[head];
            int slices = s.sliceCount();
            while (headSlice < slices) {
                long left = s.sliceLength(headSlice) - headOffset;
                if (n < left) {
                    headOffset += (int) n;
                    return;
                }
                n -= left;
                headSlice++;
                headOffset = 0;
            }
            SendCallback op = ops[head];
            int length = s.readableBytes();
            segments[head] = null;
            ops[head] = null;
            head = (head + 1) & mask;
            size--;
            bytes -= length;
            headSlice = 0;
            headOffset = 0;
            s.release();
            writtenMessages++;
            op.written(length);
        }
    }

    /** Bytes written since the last call. */
    long takeWrittenBytes() {
        long n = writtenBytes;
        writtenBytes = 0;
        return n;
    }

    /** Whole segments written since the last call. */
    long takeWrittenMessages() {
        long n = writtenMessages;
        writtenMessages = 0;
        return n;
    }

    /** Releases every queued segment and fails their operations. */
    void failAll(Throwable cause) {
        failAll(cause, null);
    }

    /**
     * Fails every queued operation; the segments are released, or moved to {@code keep} when the
     * kernel may still read them (a write in flight on a closed io_uring bind).
     */
    void failAll(Throwable cause, java.util.List<Segment> keep) {
        int mask = segments.length - 1;
        SendCallback[] failed = new SendCallback[size];
        for (int i = 0; i < size; i++) {
            int at = (head + i) & mask;
            if (keep != null) {
                keep.add(segments[at]);
            } else {
                segments[at].release();
            }
            failed[i] = ops[at];
            segments[at] = null;
            ops[at] = null;
        }
        size = 0;
        bytes = 0;
        head = 0;
        headSlice = 0;
        headOffset = 0;
        for (SendCallback op : failed) {
            op.fail(cause);
        }
        Arrays.fill(segments, null);
    }
}
