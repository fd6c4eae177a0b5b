package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.Doorbell;
import dev.evpl.reactive.core.internal.bind.SendCallback;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * One side of a {@code STREAM_INPROC} connection. Sent segments move to the peer's inbound queue
 * as they are (zero-copy); the peer's loop delivers them as its subscriber's credit allows. The
 * sender stops requesting while the peer holds {@link SendOp#HIGH_WATER} unread bytes and resumes
 * when the peer reads: the same demand contract as a socket, with the peer's queue as the kernel
 * buffer. Confined to its loop; the inbound queue and counters are the only shared state.
 */
final class InprocStreamBind extends StreamBindBase {
    private final String name;
    private InprocStreamBind peer;
    private final ConcurrentLinkedQueue<Segment> inbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboundBytes = new AtomicInteger();
    private volatile boolean peerClosed;
    /** Rung by the peer when it queued data or closed. */
    private final Doorbell dataBell;
    /** Rung by the peer when it read (room for our sends). */
    private final Doorbell roomBell;
    private final List<SendOp> waitingForRoom = new ArrayList<>();
    /** Volatile: a sender on the peer's loop re-checks it after handing a segment over (see enqueue). */
    private volatile boolean closed;

    /** The loop's close hook of this bind, removed when it closes. Loop-confined. */
    private reactor.core.Disposable closeHook;

    InprocStreamBind(EventLoop loop, String name) {
        super(loop);
        this.name = name;
        this.dataBell = loop.doorbell(this::drain);
        this.roomBell = loop.doorbell(this::roomAvailable);
        // A loop disposed with this bind open closes it, so what its inbox holds goes back to the
        // pool (socket binds get the same from LoopSockets). A hook per bind: the hook list is
        // copy-on-write, fine for in-process pairs, not meant for 10 000 of them.
        onLoop(() -> {
            if (!closed) {
                closeHook = loop.addCloseHook(this::closeOnLoop);
            }
        });
    }

    /** Pairs two sides (before either is handed out). */
    static void pair(InprocStreamBind a, InprocStreamBind b) {
        a.peer = b;
        b.peer = a;
    }

    // ------------------------------------------------------------------ Bind

    @Override
    public Mono<Void> finish() {
        // Sends are handed over at once: finishing is closing after what was already sent.
        return Mono.defer(() -> {
            close();
            return onClose();
        });
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public Protocol protocol() {
        return Protocol.STREAM_INPROC;
    }

    @Override
    public SocketAddress localAddress() {
        return new InprocAddress(name);
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InprocAddress(name);
    }

    // ------------------------------------------------------------------ SendTarget (our loop)

    @Override
    public void enqueue(Segment s, SendCallback callback) {
        if (closed || peerClosed) {
            s.release();
            callback.fail(new IllegalStateException("in-process bind closed: " + name));
            return;
        }
        int n = s.readableBytes();
        peer.inboundBytes.addAndGet(n);
        peer.inbound.offer(s);
        if (peer.closed) {
            // The peer closed (and drained) after our check: nobody will read this, release it here.
            // Offer-then-check against the closer's set-then-drain means one of us sees the segment.
            peer.releaseInbound();
            callback.fail(new IllegalStateException("in-process bind closed: " + name));
            return;
        }
        peer.dataBell.ring();
        sent(n);
        callback.written(n);
    }

    @Override
    public int unsentBytes() {
        return peer.inboundBytes.get();
    }

    @Override
    public boolean isClosedOnLoop() {
        return closed || peerClosed;
    }

    @Override
    public void awaitRoom(SendOp op) {
        if (!waitingForRoom.contains(op)) {
            waitingForRoom.add(op);
        }
        // The peer may have read everything between our check and now: look again.
        if (peer.inboundBytes.get() < SendOp.HIGH_WATER) {
            roomAvailable();
        }
    }

    private void roomAvailable() {
        if (waitingForRoom.isEmpty()) {
            return;
        }
        List<SendOp> ops = new ArrayList<>(waitingForRoom);
        waitingForRoom.clear();
        for (SendOp op : ops) {
            op.requestMore();
        }
    }

    // ------------------------------------------------------------------ receive (our loop)

    @Override
    public void resumeReading() {
        drain();
    }

    @Override
    public void receiveCancelled() {
    }

    private void drain() {
        boolean read = false;
        Segment s;
        while (receiver.wantsData() && (s = inbound.poll()) != null) {
            inboundBytes.addAndGet(-s.readableBytes());
            read = true;
            receiver.deliver(s);
        }
        if (read && peer != null) {
            peer.roomBell.ring();
        }
        if (peerClosed && inbound.isEmpty()) {
            receiver.complete(); // end of stream after everything the peer sent
        }
    }

    // ------------------------------------------------------------------ close (our loop)

    @Override
    void closeOnLoop() {
        if (closed) {
            return;
        }
        closed = true;
        if (closeHook != null) {
            closeHook.dispose();
            closeHook = null;
        }
        dataBell.close();
        roomBell.close();
        releaseInbound();
        for (SendOp op : waitingForRoom) {
            op.fail(new IllegalStateException("in-process bind closed: " + name));
        }
        waitingForRoom.clear();
        receiver.complete();
        if (peer != null) {
            peer.peerClosed = true;
            peer.dataBell.ring();
            peer.roomBell.ring();
        }
        closeSink.tryEmitEmpty();
    }

    /** Releases whatever is queued for this side; safe from either loop (each segment is polled once). */
    private void releaseInbound() {
        Segment s;
        while ((s = inbound.poll()) != null) {
            inboundBytes.addAndGet(-s.readableBytes());
            s.release();
        }
    }

    @Override
    public String toString() {
        return "Bind[STREAM_INPROC " + name + (closed ? ", closed" : "") + ']';
    }

    /** The address of both sides of an in-process connection: the listener's name. */
    static final class InprocAddress extends SocketAddress {
        private static final long serialVersionUID = 1L;
        private final String name;

        InprocAddress(String name) {
            this.name = name;
        }

        /** The in-process name. */
        String name() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InprocAddress a && a.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return "inproc:" + name;
        }
    }
}
