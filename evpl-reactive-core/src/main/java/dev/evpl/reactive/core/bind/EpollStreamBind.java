package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.FdEvent;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Native;

/**
 * A stream socket whose data path is on epoll ({@code STREAM_SOCKET_TCP}, {@code STREAM_SOCKET_UNIX}):
 * receive credit turns read interest on, each readable edge reads into the loop's allocator, and
 * the once-per-pass flush makes one {@code writev} of the queued slices, continuing on the next
 * writable edge when the kernel's buffer is full. Loop-confined.
 */
final class EpollStreamBind extends SocketStreamBind {
    /** Reads per readable callback before yielding to other descriptors of the loop. */
    private static final int READS_PER_CALL = 16;
    /** A read gets at least this much contiguous room (else a fresh buffer is taken). */
    private static final int MIN_READ = 2048;
    private static final int MAX_READ = 256 * 1024;

    EpollStreamBind(EventLoop loop, Protocol protocol, int fd, int family) {
        super(loop, protocol, fd, family, true);
    }

    @Override
    void dataPathReady() {
        // Readiness drives everything: nothing to set up.
    }

    /** Credit is available: turn read interest on (the latched readiness calls back if data waits). */
    @Override
    public void resumeReading() {
        if (!closed && receiver.wantsData()) {
            event.readInterest(true);
        }
    }

    /** The subscriber cancelled: stop reading; the bind stays open for sending. */
    @Override
    public void receiveCancelled() {
        if (!closed) {
            event.readInterest(false);
        }
    }

    @Override
    public void onReadable(FdEvent ev) {
        SegmentAllocator allocator = allocator();
        for (int reads = 0; reads < READS_PER_CALL; reads++) {
            if (!receiver.wantsData()) {
                ev.readInterest(false);
                return;
            }
            long address = allocator.reserve(MIN_READ);
            int room = Math.min(allocator.reservedLength(), MAX_READ);
            long n = LIBC.read(fd, address, room);
            if (n > 0) {
                sendQueue.counters.received += n; // the loop's counters, looked up once per bind
                Segment s = allocator.commit((int) n);
                receiver.deliver(s);
                if (n < room && !ev.isHangup()) {
                    // A short read drained the socket and new data raises a new edge; but an end of
                    // stream that arrived with this data raises none, so then read on to see it.
                    ev.markUnreadable();
                    return;
                }
            } else if (n == 0) {
                ev.markUnreadable();
                ev.readInterest(false);
                endOfStream();
                return;
            } else {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN) {
                    ev.markUnreadable();
                    return;
                }
                if (errno != Errno.EINTR) {
                    closeNow(NativeIoException.of("read", String.valueOf(remote), errno));
                    return;
                }
            }
        }
    }

    @Override
    void flushOut() {
        if (closed || connecting != null) {
            return;
        }
        write();
    }

    /** One share of writes; returns what {@link SendQueue#writeOut} said. */
    private int write() {
        int result = sendQueue.writeOut(fd);
        reportWritten();
        if (result < 0) {
            closeNow(NativeIoException.of("writev", String.valueOf(remote), -result));
            return result;
        }
        if (result == SendQueue.BLOCKED) {
            event.writeInterest(true); // the kernel's buffer is full: continue on its EPOLLOUT edge
        } else if (result == SendQueue.MORE) {
            // Still writable, share of the pass used: continue next pass (no edge comes for a
            // socket that never filled up). Re-armed inside its own run, the deferral waits a pass.
            event.writeInterest(false);
            flush.arm();
        } else {
            event.writeInterest(false);
            if (finishing) {
                closeNow(null);
            }
        }
        return result;
    }

    @Override
    void writable(FdEvent ev) {
        if (sendQueue.isEmpty()) {
            ev.writeInterest(false);
            return;
        }
        if (!closed && write() == SendQueue.BLOCKED) {
            ev.markUnwritable(); // only a write the kernel refused waits for the next edge
        }
    }

    @Override
    void closeDataPath(Throwable sendError) {
        sendQueue.failAll(sendError);
        releaseDescriptor(); // nothing in the kernel names it: epoll forgot it with the event
    }
}
