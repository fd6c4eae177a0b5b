package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.FdEvent;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream socket whose data path is on the loop's io_uring ({@code STREAM_IO_URING_TCP}). Once
 * connected the socket is switched to blocking mode (the ring waits for data internally, no worker
 * thread); receives are a {@link RingReceiver} (a multishot receive from the loop's provided
 * buffers while there is credit, none armed without it, so the kernel buffer fills and the peer's
 * window closes, as on epoll) and sends a {@link RingSender} (one write of the queued slices at a
 * time). Close cancels the receive and shuts the socket down first, so operations in flight
 * complete and their memory returns to the pool; the descriptor is closed after the last of them.
 * Connect completes on epoll, like every socket's. Loop-confined.
 */
final class RingStreamBind extends SocketStreamBind {
    private final LoopRing ring;
    /** The send side (one WRITEV or SENDMSG_ZC at a time); null until connected. */
    private RingSender sender;
    /** The receive side (multishot from provided buffers, or one RECV per credit); null until connected. */
    private RingReceiver ringReceiver;
    /** After a close: segments a write in flight may still read, released with the descriptor (null: none). */
    private List<Segment> heldByKernel;

    /** {@code connecting}: the connect is still in progress (it completes on epoll). */
    RingStreamBind(EventLoop loop, Protocol protocol, int fd, int family, boolean connecting) {
        super(loop, protocol, fd, family, connecting);
        this.ring = LoopRing.of(loop);
    }

    @Override
    void dataPathReady() {
        if (event != null) {
            // Connected: from here the ring waits on the socket; its readiness edges on epoll
            // would only make the loop read an epoll set with nothing for it.
            event.close();
            event = null;
        }
        if (sender == null) {
            int flags = LIBC.fcntl(fd, 3 /* F_GETFL */, 0);
            LIBC.fcntl(fd, 4 /* F_SETFL */, flags & ~Linux.O_NONBLOCK);
            sender = new RingSender(this, ring, sendQueue, fd);
            ringReceiver = new RingReceiver(this, ring, ring.providedBuffers(), fd);
        }
    }

    @Override
    public void resumeReading() {
        // null while connecting: the connect resumes reading
        if (!closed && receiver.wantsData() && ringReceiver != null) {
            ringReceiver.resume();
        }
    }

    @Override
    public void receiveCancelled() {
        if (!closed && ringReceiver != null) {
            ringReceiver.stop();
        }
    }

    @Override
    public void onReadable(FdEvent ev) {
        ev.readInterest(false); // reads are the ring's: epoll only sees the connect
    }

    /** The receive is over: end of stream (0) or a connection error (-errno), after the data before it. */
    void ringEnded(int res) {
        if (closed) {
            return;
        }
        if (res == 0) {
            endOfStream();
        } else {
            closeNow(NativeIoException.of("recv", String.valueOf(remote), -res));
        }
    }

    /** Receive completions with data on the multishot path (-1 when it is not in use). Tests. */
    long ringReceives() {
        return ringReceiver == null || !ringReceiver.multishot() ? -1 : ringReceiver.receives();
    }

    @Override
    void flushOut() {
        if (closed || connecting != null) {
            return;
        }
        ringFlush();
    }

    /** A write of the queued slices unless one is in flight; with nothing queued a finishing bind closes. */
    private void ringFlush() {
        if (!sender.flush() && finishing) {
            closeNow(null);
        }
    }

    /** Writes that went out with SENDMSG_ZC (tests). */
    long zeroCopySends() {
        return sender == null ? 0 : sender.zeroCopySends();
    }

    /** A write completed (bytes, or -errno); called by the {@link RingSender} while open. */
    void written(int res) {
        if (res < 0) {
            if (res == -Errno.EINTR || res == -Errno.EAGAIN) {
                flush.arm();
                return;
            }
            closeNow(NativeIoException.of("writev", String.valueOf(remote), -res));
            return;
        }
        sendQueue.afterWrite(res);
        reportWritten();
        if (!sendQueue.isEmpty()) {
            ringFlush();
        } else if (finishing) {
            closeNow(null);
        }
    }

    private boolean ringBusy() {
        return (ringReceiver != null && ringReceiver.busy()) || (sender != null && sender.busy());
    }

    /** One of the bind's operations completed; after a close the last one releases the descriptor. */
    void ringOpEnded() {
        if (closed && !descriptorReleased() && !ringBusy()) {
            releaseHeld();
        }
    }

    private void releaseHeld() {
        if (heldByKernel != null) {
            heldByKernel.forEach(Segment::release);
            heldByKernel = null;
        }
        releaseDescriptor();
    }

    @Override
    void closeDataPath(Throwable sendError) {
        // The ring's operations name this descriptor and read or write pooled memory: the fd is
        // closed, and the memory a write reads from released, only after the last of them
        // completed (a closed fd number is reused by the next accept, and a stale SQE would then
        // touch another client's socket). Cancel the receive and shut the socket down so the
        // write in flight ends soon; ringOpEnded() finishes the close.
        if (ringReceiver != null) {
            ringReceiver.close();
        }
        LIBC.shutdown(fd, Linux.SHUT_RDWR);
        if (sender != null) {
            sender.close();
        }
        if (ringBusy()) {
            heldByKernel = new ArrayList<>();
            sendQueue.failAll(sendError, heldByKernel);
        } else {
            sendQueue.failAll(sendError);
            releaseHeld();
        }
    }
}
