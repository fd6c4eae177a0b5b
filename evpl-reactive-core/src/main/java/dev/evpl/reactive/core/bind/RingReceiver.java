package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import dev.evpl.reactive.core.internal.uring.UringOps;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import dev.evpl.reactive.core.internal.uring.ProvidedBuffers;
import java.util.ArrayDeque;

/**
 * The io_uring receive side of one stream bind: one multishot {@code RECV} selecting from the
 * loop's provided buffers (or, where the kernel refuses buffer rings, one {@code RECV} into a fresh
 * 16 KiB pooled segment per credit), armed while the subscriber has credit and cancelled when it runs out
 * (libevpl's "no demand, no receive": the socket buffer fills and TCP's window closes). One SQE
 * then serves any number of receives, and an idle connection holds no buffer.
 *
 * <p>Completions already on their way when the credit ran out are kept (a few segments) and
 * delivered when credit returns; an end of stream waits behind them. Closing cancels the multishot
 * and releases what was kept; later completions are released as they come. Loop-confined.
 */
final class RingReceiver implements LoopRing.Prep, LoopRing.MultiCompletion {
    private static final int CQE_F_BUFFER = UringOps.CQE_F_BUFFER;

    private final RingStreamBind bind;
    private final LoopRing ring;
    private final ProvidedBuffers buffers;
    private final int fd;
    /** User data of the armed multishot, or -1. */
    private long armed = -1;
    private boolean cancelling;
    private boolean closed;
    private final ArrayDeque<Segment> early = new ArrayDeque<>();
    /** An end of stream (0) or error (-errno) seen while {@link #early} still held data; 1 = none. */
    private int pendingEnd = 1;
    private long receives;
    /** Inside {@link #arm}: a completion now means the ring refused it at once (it is closed). */
    private boolean arming;

    /** Without provided buffers: bytes of the segment one plain RECV reads into (at most one pool buffer: the kernel writes it contiguously). */
    private final int onceSize;
    /** Without provided buffers: the segment of the plain RECV in flight, or null. */
    private Segment onceBuffer;

    /** {@code buffers} null: one plain RECV per credit. */
    RingReceiver(RingStreamBind bind, LoopRing ring, ProvidedBuffers buffers, int fd) {
        this.bind = bind;
        this.ring = ring;
        this.buffers = buffers;
        this.fd = fd;
        this.onceSize = Math.min(16 * 1024, bind.allocator().pool().config().bufferSize());
        this.counters = dev.evpl.reactive.core.internal.loop.LoopAccess.get().ioCounters(bind.loop());
    }

    /** The loop's I/O counters (looked up once: a receive adds to them). */
    private final dev.evpl.reactive.core.internal.loop.IoCounters counters;

    /** Whether receives are multishot from provided buffers. */
    boolean multishot() {
        return buffers != null;
    }

    /** Completions with data so far (tests: one multishot serves many). */
    long receives() {
        return receives;
    }

    /** Credit is available (or came back): deliver what was kept, then keep a receive armed. */
    void resume() {
        if (buffers == null) {
            armOnce();
            return;
        }
        ReceivePublisher<Segment> r = bind.receiver;
        while (!early.isEmpty() && r.wantsData()) {
            r.deliver(early.poll());
        }
        if (!early.isEmpty() || closed) {
            return;
        }
        if (pendingEnd != 1) {
            int end = pendingEnd;
            pendingEnd = 1;
            bind.ringEnded(end);
            return;
        }
        if (armed < 0 && r.wantsData()) {
            arm();
        }
    }

    private void arm() {
        cancelling = false;
        arming = true;
        armed = ring.submitMultishot(this, this);
        arming = false;
    }

    /** The receive's SQE (this object prepares it, so arming allocates nothing). */
    @Override
    public void prepare(long sqe, long userData) {
        if (buffers == null) {
            UringOps.recv(sqe, fd, onceBuffer.sliceAddress(0), onceSize, userData);
            return;
        }
        UringOps.recvMultishot(sqe, fd, ProvidedBuffers.GROUP, userData);
    }

    /** Without provided buffers: one RECV into a fresh pooled segment while there is credit. */
    private void armOnce() {
        if (onceBuffer != null || closed || !bind.receiver.wantsData()) {
            return;
        }
        onceBuffer = bind.allocator().allocate(onceSize);
        ring.submit(this, this);
    }

    private void receivedOnce(int res) {
        Segment buffer = onceBuffer;
        onceBuffer = null;
        if (res > 0 && !closed) {
            counters.received += res;
            Segment data = buffer.slice(0, res);
            buffer.release();
            bind.receiver.deliver(data);
            armOnce();
            return;
        }
        buffer.release();
        if (closed) {
            return;
        }
        if (res == -Errno.EINTR || res == -Errno.EAGAIN) {
            armOnce();
        } else {
            bind.ringEnded(res);
        }
    }

    /** The subscriber has no credit left or went away: stop receiving. */
    void stop() {
        if (armed >= 0 && !cancelling) {
            cancelling = true;
            ring.cancel(armed);
        }
    }

    /** The bind closed: cancel the receive, release what was kept. */
    void close() {
        closed = true;
        stop();
        for (Segment s; (s = early.poll()) != null; ) {
            s.release();
        }
    }

    /** A receive is armed or in flight: the kernel still names the fd (and writes into onceBuffer). */
    boolean busy() {
        return armed >= 0 || onceBuffer != null;
    }

    @Override
    public void complete(int res, int flags) {
        completed(res, flags);
        if (closed) {
            bind.ringOpEnded(); // after a close the last completion lets the descriptor go
        }
    }

    private void completed(int res, int flags) {
        if (buffers == null) {
            receivedOnce(res);
            return;
        }
        if (arming) {
            closed = true; // the loop's ring is closing: no receive can be armed any more
            return;
        }
        boolean more = (flags & LoopRing.CQE_F_MORE) != 0;
        if (!more) {
            armed = -1;
        }
        if (res > 0 && (flags & CQE_F_BUFFER) != 0) {
            Segment data = buffers.take(flags >>> 16, res, flags);
            buffers.publish();
            receives++;
            counters.received += res;
            ReceivePublisher<Segment> r = bind.receiver;
            if (closed) {
                data.release();
                return;
            }
            if (early.isEmpty() && r.wantsData()) {
                r.deliver(data);
            } else {
                early.add(data);
            }
            if (!r.wantsData()) {
                stop();
            } else if (!more) {
                arm(); // the kernel ended it (e.g. its buffers ran short): start another
            }
            return;
        }
        if (closed) {
            return;
        }
        if (res == -Errno.ECANCELED || res == -Errno.ENOBUFS || res == -Errno.EINTR || res == -Errno.EAGAIN) {
            // Cancelled for lack of credit, or out of buffers for a moment (they are given back as
            // they are taken): start again if there is credit now.
            if (!more) {
                cancelling = false;
                resume();
            }
            return;
        }
        // End of stream (0) or a connection error: after what was kept.
        if (early.isEmpty()) {
            bind.ringEnded(res);
        } else {
            pendingEnd = res;
        }
    }
}
