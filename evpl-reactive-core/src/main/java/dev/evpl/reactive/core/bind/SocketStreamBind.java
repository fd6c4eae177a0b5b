package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.Deferral;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.FdEvent;
import dev.evpl.reactive.core.FdHandler;
import dev.evpl.reactive.core.NativeIoException;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import dev.evpl.reactive.core.internal.nativeio.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import java.net.SocketAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A stream socket (TCP or unix) on epoll, or with its data path on the loop's io_uring
 * ({@code STREAM_IO_URING_TCP}). Confined to its loop: public methods called elsewhere hop onto it.
 * Receive is a {@link ReceivePublisher} whose credit gates reading; sends queue segments in a ring
 * and a per-bind {@link Deferral} flushes them once per pass with one {@code writev}.
 *
 * <p>On io_uring ({@link #ring} set) the socket is switched to blocking mode (the ring waits for
 * data internally, no worker thread); receives are a {@link RingReceiver} (a multishot receive
 * from the loop's provided buffers while there is credit, none armed without it, so the kernel
 * buffer fills and the peer's window closes, as on epoll) and sends a {@link RingSender} (one
 * write of the queued slices at a time). Close cancels the receive and shuts the socket down
 * first, so operations in flight complete and their memory returns to the pool.
 */
final class SocketStreamBind extends StreamBindBase implements FdHandler {
    /** Reads per readable callback before yielding to other descriptors of the loop. */
    private static final int READS_PER_CALL = 16;
    /** A read gets at least this much contiguous room (else a fresh buffer is taken). */
    private static final int MIN_READ = 2048;
    private static final int MAX_READ = 256 * 1024;

    final Protocol protocol;
    final int fd;
    private final int family;
    private final LoopSockets sockets;
    private final SegmentAllocator allocator;
    private FdEvent event;
    private SocketAddress local;
    private SocketAddress remote;
    private final SendQueue sendQueue = new SendQueue(this);
    private final Deferral flush;
    /** Non-null when the data path runs on the loop's io_uring. */
    private final dev.evpl.reactive.core.internal.uring.LoopRing ring;
    /** io_uring: the send side (one WRITEV or SENDMSG_ZC at a time). */
    private RingSender ringSender;
    /** io_uring: the receive side (multishot from provided buffers, or one RECV per credit). */
    private RingReceiver ringReceiver;

    private volatile boolean closed;
    private volatile Throwable closeCause;
    /** Connected / Sent / Disconnected ({@link #events()}). */
    private final BindEvents bindEvents = new BindEvents();
    private boolean finishing;
    /** Non-null while a connect is in progress. */
    private Sinks.One<Bind> connecting;

    SocketStreamBind(EventLoop loop, Protocol protocol, int fd, int family) {
        super(loop);
        this.protocol = protocol;
        this.fd = fd;
        this.family = family;
        this.sockets = LoopSockets.of(loop);
        this.allocator = loop.allocator();
        this.flush = loop.deferral(this::flushOut);
        // The descriptor is this bind's now: a failure below closes it and undoes the registration.
        FdEvent registered = null;
        try {
            if (family != Linux.AF_UNIX) {
                SocketOps.setNoDelay(fd);
            }
            this.ring = protocol == Protocol.STREAM_IO_URING_TCP ? dev.evpl.reactive.core.internal.uring.LoopRing.of(loop) : null;
            registered = loop.addFd(fd, this, false, false);
            this.event = registered;
            sockets.added(this);
            OpenFaults.check();
        } catch (RuntimeException | Error e) {
            if (registered != null) {
                sockets.removed(this);
                registered.close();
            }
            LIBC.close(fd);
            throw e;
        }
    }

    /** io_uring: the connection is up; the ring's operations wait in the kernel, so the socket blocks. */
    private void ringReady() {
        if (ring != null && ringSender == null) {
            int flags = LIBC.fcntl(fd, 3 /* F_GETFL */, 0);
            LIBC.fcntl(fd, 4 /* F_SETFL */, flags & ~Linux.O_NONBLOCK);
            ringSender = new RingSender(this, ring, sendQueue, fd);
            ringReceiver = new RingReceiver(this, ring, ring.providedBuffers(), fd);
        }
    }

    /** An accepted or already connected socket; on failure the descriptor is closed (the caller must not close it). */
    static SocketStreamBind connected(EventLoop loop, Protocol protocol, int fd, int family) {
        SocketStreamBind b = new SocketStreamBind(loop, protocol, fd, family);
        try {
            b.ringReady();
            b.addresses();
            b.bindEvents.connected(b.local, b.remote);
            return b;
        } catch (RuntimeException | Error e) {
            b.closeNow(e); // the descriptor is the bind's: it goes with it
            throw e;
        }
    }

    /** A socket whose connect is in progress: {@code result} gets the bind once connected. */
    static SocketStreamBind connecting(EventLoop loop, Protocol protocol, int fd, int family, Sinks.One<Bind> result) {
        SocketStreamBind b = new SocketStreamBind(loop, protocol, fd, family);
        b.connecting = result;
        try {
            b.event.writeInterest(true);
            return b;
        } catch (RuntimeException | Error e) {
            b.closeNow(e);
            throw e;
        }
    }

    private void addresses() {
        local = SocketOps.localAddress(fd, family);
        remote = SocketOps.remoteAddress(fd, family);
    }

    SegmentAllocator allocator() {
        return allocator;
    }

    long iovScratch() {
        return sockets.iov;
    }

    // ------------------------------------------------------------------ public API (any thread)

    @Override
    public Mono<Void> finish() {
        // Lazy like every Mono-returning method: nothing happens until subscription.
        return Mono.defer(() -> {
            onLoop(() -> {
                finishing = true;
                if (sendQueue.isEmpty()) {
                    closeNow(null);
                }
            });
            return onClose();
        });
    }

    @Override
    void closeOnLoop() {
        closeNow(null);
    }

    @Override
    public Flux<BindEvent> events() {
        return bindEvents.flux(() -> closed, () -> closeCause);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    // ------------------------------------------------------------------ receive side (loop)

    /** Credit is available: turn read interest on (the latched readiness calls back if data waits). */
    @Override
    public void resumeReading() {
        if (!closed && receiver.wantsData()) {
            if (ring != null) {
                if (ringReceiver != null) { // null while connecting: the connect resumes reading
                    ringReceiver.resume();
                }
            } else {
                event.readInterest(true);
            }
        }
    }

    /** The subscriber cancelled: stop reading; the bind stays open for sending. */
    @Override
    public void receiveCancelled() {
        if (!closed) {
            if (ringReceiver != null) {
                ringReceiver.stop();
            } else {
                event.readInterest(false);
            }
        }
    }

    /** io_uring receive over: end of stream (0) or a connection error (-errno), after the data before it. */
    void ringEnded(int res) {
        if (closed) {
            return;
        }
        if (res == 0) {
            receiver.complete();
            if (sendQueue.isEmpty() && finishing) {
                closeNow(null);
            }
        } else {
            closeNow(NativeIoException.of("recv", String.valueOf(remote), -res));
        }
    }

    /** Receive completions with data on the multishot path (-1 when it is not in use). Tests. */
    long ringReceives() {
        return ringReceiver == null || !ringReceiver.multishot() ? -1 : ringReceiver.receives();
    }

    @Override
    public void onReadable(FdEvent ev) {
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
                receiver.complete();
                if (sendQueue.isEmpty() && finishing) {
                    closeNow(null);
                }
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

    // ------------------------------------------------------------------ send side (loop)

    @Override
    public void enqueue(Segment s, SendCallback op) {
        if (closed) {
            s.release();
            // A bind that failed (refused connect, reset) reports why to later sends too.
            Throwable cause = closeCause;
            op.fail(cause != null ? cause : new IllegalStateException("bind closed"));
            return;
        }
        sendQueue.add(s, op);
        flush.arm();
    }

    @Override
    public int unsentBytes() {
        return sendQueue.bytes();
    }

    @Override
    public boolean isClosedOnLoop() {
        return closed;
    }

    /** Loop: one share of writes; returns what {@link SendQueue#writeOut} said (or WRITTEN when it did not write). */
    private int flushOut() {
        if (closed || connecting != null) {
            return SendQueue.WRITTEN;
        }
        if (ring != null) {
            ringFlush();
            return SendQueue.WRITTEN;
        }
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

    /** Loop: counts what the last writes took and tells live event subscribers (one Sent per flush). */
    private void reportWritten() {
        long written = sendQueue.takeWrittenBytes();
        sent(written);
        bindEvents.sent(written, sendQueue.takeWrittenMessages());
    }

    /** io_uring: a write of the queued slices unless one is in flight; with nothing queued a finishing bind closes. */
    private void ringFlush() {
        if (!ringSender.flush() && finishing) {
            closeNow(null);
        }
    }

    /** Writes that went out with SENDMSG_ZC (tests). */
    long zeroCopySends() {
        return ringSender == null ? 0 : ringSender.zeroCopySends();
    }

    /** io_uring: a write completed (bytes, or -errno); called by the {@link RingSender} while open. */
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

    @Override
    public void onWritable(FdEvent ev) {
        if (connecting != null) {
            finishConnect();
            return;
        }
        if (sendQueue.isEmpty()) {
            ev.writeInterest(false);
            return;
        }
        if (flushOut() == SendQueue.BLOCKED) {
            ev.markUnwritable(); // only a write the kernel refused waits for the next edge
        }
    }

    private void finishConnect() {
        Sinks.One<Bind> result = connecting;
        connecting = null;
        int error = SocketOps.pendingError(fd);
        if (error != 0) {
            NativeIoException e = NativeIoException.of("connect", String.valueOf(targetName), error);
            closeNow(e);
            result.tryEmitError(e);
            return;
        }
        event.writeInterest(false);
        ringReady();
        addresses();
        bindEvents.connected(local, remote);
        result.tryEmitValue(this);
        if (!sendQueue.isEmpty()) {
            flush.arm();
        }
        resumeReading(); // credit given while connecting arms the first receive
    }

    /** For error messages of a connect in progress. */
    String targetName;

    // ------------------------------------------------------------------ close (loop)

    /** io_uring, after a close: segments a write in flight may still read, released with the descriptor (null: none). */
    private java.util.List<Segment> heldByKernel;
    private boolean descriptorReleased;

    private boolean ringBusy() {
        return (ringReceiver != null && ringReceiver.busy()) || (ringSender != null && ringSender.busy());
    }

    /** io_uring: one of the bind's operations completed; after a close the last one releases the descriptor. */
    void ringOpEnded() {
        if (closed && !descriptorReleased && !ringBusy()) {
            releaseDescriptor();
        }
    }

    private void releaseDescriptor() {
        descriptorReleased = true;
        if (heldByKernel != null) {
            heldByKernel.forEach(Segment::release);
            heldByKernel = null;
        }
        LIBC.close(fd);
    }

    /** Tests: whether the descriptor was closed (after a close, once the kernel finished with it), and which it is. */
    boolean descriptorReleased() {
        return descriptorReleased;
    }

    int fd() {
        return fd;
    }

    void closeNow(Throwable cause) {
        if (closed) {
            return;
        }
        closeCause = cause; // before the volatile write of closed: readers of closed see it
        closed = true;
        event.close();
        if (ring != null) {
            // The ring's operations name this descriptor and read or write pooled memory: the fd is
            // closed, and the memory a write reads from released, only after the last of them
            // completed (a closed fd number is reused by the next accept, and a stale SQE would
            // then touch another client's socket). Cancel the receive and shut the socket down so
            // the write in flight ends soon; ringOpEnded() finishes the close.
            if (ringReceiver != null) {
                ringReceiver.close();
            }
            LIBC.shutdown(fd, Linux.SHUT_RDWR);
            if (ringSender != null) {
                ringSender.close();
            }
        }
        sockets.removed(this);
        closeDemandBell();
        flush.cancel();
        Throwable sendError = cause != null ? cause : new IllegalStateException("bind closed before the data was sent");
        if (ringBusy()) {
            heldByKernel = new java.util.ArrayList<>();
            sendQueue.failAll(sendError, heldByKernel);
        } else {
            sendQueue.failAll(sendError);
            releaseDescriptor();
        }
        if (cause != null) {
            receiver.fail(cause);
        } else {
            receiver.complete();
        }
        if (connecting != null) {
            Sinks.One<Bind> c = connecting;
            connecting = null;
            c.tryEmitError(cause != null ? cause : new IllegalStateException("connect cancelled"));
        }
        bindEvents.disconnected(cause);
        closeSink.tryEmitEmpty();
    }

    @Override
    public String toString() {
        return "Bind[" + protocol + " " + local + " -> " + remote + (closed ? ", closed" : "") + ']';
    }

}
