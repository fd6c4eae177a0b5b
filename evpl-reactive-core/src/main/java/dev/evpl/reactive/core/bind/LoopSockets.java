package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.internal.nativeio.IoVec;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-loop state of the socket backend: the iovec scratch array shared by every bind's flush (one
 * flush runs at a time on a loop), the open binds (closed when the loop goes away), and the
 * connection count read by the least-connections steering policy.
 */
final class LoopSockets {
    static final int MAX_IOV = 64;
    private static final dev.evpl.reactive.core.LoopLocal<LoopSockets> SOCKETS =
            dev.evpl.reactive.core.LoopLocal.withInitial("socket binds", LoopSockets::new);

    final EventLoop loop;
    final long iov;
    final Set<SocketStreamBind> open = new LinkedHashSet<>();
    final AtomicInteger connections = new AtomicInteger();

    private LoopSockets(EventLoop loop) {
        this.loop = loop;
        this.iov = NativeMemory.allocate((long) MAX_IOV * IoVec.SIZE);
        loop.addCloseHook(this::closeAll);
    }

    /** The state of {@code loop}; loop thread only. */
    static LoopSockets of(EventLoop loop) {
        return SOCKETS.get(loop);
    }

    /** Connections open on {@code loop} (any thread). */
    static int connectionsOn(EventLoop loop) {
        LoopSockets s = SOCKETS.peek(loop);
        return s == null ? 0 : s.connections.get();
    }

    void added(SocketStreamBind bind) {
        open.add(bind);
        connections.incrementAndGet();
    }

    void removed(SocketStreamBind bind) {
        if (open.remove(bind)) {
            connections.decrementAndGet();
        }
    }

    private void closeAll() {
        for (SocketStreamBind b : new ArrayList<>(open)) {
            b.closeNow(new IllegalStateException("event loop " + loop.name() + " was disposed"));
        }
        SOCKETS.remove(loop);
        NativeMemory.free(iov);
    }
}
