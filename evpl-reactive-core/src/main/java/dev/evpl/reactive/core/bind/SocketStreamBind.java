package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;
import dev.evpl.reactive.core.internal.bind.SendCallback;

import dev.evpl.reactive.core.Deferral;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.FdEvent;
import dev.evpl.reactive.core.FdHandler;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import java.net.SocketAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * What a stream socket (TCP or unix) is whatever moves its bytes: the descriptor and its epoll
 * registration (connect completes on epoll in every case), addresses, the send queue and its
 * once-per-pass flush {@link Deferral}, connect, finish and close. The data path is the
 * subclass's: {@link EpollStreamBind} reads and writes on readiness, {@link RingStreamBind} on the
 * loop's io_uring. Confined to its loop: public methods called elsewhere hop onto it.
 */
abstract class SocketStreamBind extends StreamBindBase implements FdHandler {
    final Protocol protocol;
    final int fd;
    private final int family;
    private final LoopSockets sockets;
    private final SegmentAllocator allocator;
    /**
     * The descriptor on the loop's epoll: always for the epoll data path; for the ring's only while
     * a connect is in progress (a socket the ring serves must not wake the loop's epoll set).
     */
    FdEvent event;
    private SocketAddress local;
    SocketAddress remote;
    final SendQueue sendQueue = new SendQueue(this);
    final Deferral flush;

    volatile boolean closed;
    private volatile Throwable closeCause;
    /** Connected / Sent / Disconnected ({@link #events()}). */
    private final BindEvents bindEvents = new BindEvents();
    boolean finishing;
    /** Non-null while a connect is in progress. */
    Sinks.One<Bind> connecting;
    private boolean descriptorReleased;

    /** {@code watch}: register the descriptor on the loop's epoll. */
    SocketStreamBind(EventLoop loop, Protocol protocol, int fd, int family, boolean watch) {
        super(loop);
        this.protocol = protocol;
        this.fd = fd;
        this.family = family;
        this.sockets = LoopSockets.of(loop);
        this.allocator = loop.allocator();
        this.flush = loop.deferral(this::flushOut);
        // The descriptor is this bind's now: a failure below closes it and undoes the registration.
        FdEvent registered = null;
        boolean added = false;
        try {
            if (family != Linux.AF_UNIX) {
                SocketOps.setNoDelay(fd);
            }
            if (watch) {
                registered = loop.addFd(fd, this, false, false);
            }
            sockets.added(this);
            added = true;
            OpenFaults.check();
        } catch (RuntimeException | Error e) {
            if (added) {
                sockets.removed(this);
            }
            if (registered != null) {
                registered.close();
            }
            LIBC.close(fd);
            throw e;
        }
        this.event = registered;
    }

    /** Loop: the connection is up (accepted, or its connect completed): the data path may start. */
    abstract void dataPathReady();

    /** An accepted or already connected socket; on failure the descriptor is closed (the caller must not close it). */
    static SocketStreamBind connected(SocketStreamBind b) {
        try {
            b.dataPathReady();
            b.addresses();
            b.bindEvents.connected(b.local, b.remote);
            return b;
        } catch (RuntimeException | Error e) {
            b.closeNow(e); // the descriptor is the bind's: it goes with it
            throw e;
        }
    }

    /** A socket whose connect is in progress: {@code result} gets the bind once connected. */
    static SocketStreamBind connecting(SocketStreamBind b, Sinks.One<Bind> result) {
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

    /** Loop: the peer ended the stream (after the data before it); a finishing bind with nothing to send closes. */
    final void endOfStream() {
        receiver.complete();
        if (sendQueue.isEmpty() && finishing) {
            closeNow(null);
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

    /** Loop: the deferral's once-per-pass flush of the send queue. */
    abstract void flushOut();

    /** Loop: counts what the last writes took and tells live event subscribers (one Sent per flush). */
    final void reportWritten() {
        long written = sendQueue.takeWrittenBytes();
        sent(written);
        bindEvents.sent(written, sendQueue.takeWrittenMessages());
    }

    @Override
    public void onWritable(FdEvent ev) {
        if (connecting != null) {
            finishConnect();
            return;
        }
        writable(ev);
    }

    /** Loop: the socket is writable, the connect being done (epoll's data path continues a blocked write here). */
    void writable(FdEvent ev) {
        ev.writeInterest(false);
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
        dataPathReady();
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

    /** Loop: closes the descriptor, once nothing in the kernel names it any more. */
    final void releaseDescriptor() {
        descriptorReleased = true;
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
        if (event != null) {
            event.close();
        }
        sockets.removed(this);
        closeDemandBell();
        flush.cancel();
        closeDataPath(cause != null ? cause : new IllegalStateException("bind closed before the data was sent"));
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

    /**
     * Loop, closing: stops the data path, fails what is queued with {@code sendError} and closes
     * the descriptor now or, when the kernel still holds operations naming it, once they ended.
     */
    abstract void closeDataPath(Throwable sendError);

    @Override
    public String toString() {
        return "Bind[" + protocol + " " + local + " -> " + remote + (closed ? ", closed" : "") + ']';
    }

}
