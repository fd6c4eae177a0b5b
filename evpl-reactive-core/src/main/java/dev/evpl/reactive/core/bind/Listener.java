package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.NativeIoException;
import dev.evpl.reactive.core.FdEvent;
import dev.evpl.reactive.core.FdHandler;
import dev.evpl.reactive.core.internal.nativeio.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import reactor.core.Disposable;

/**
 * A listening socket that event loops attach to. Every accepted connection is steered to one
 * attached loop ({@link SteeringPolicy}, round-robin by default) and lives there for good; the
 * loop's handler gets it as a {@link Bind}. The socket is registered on one attached loop at a time
 * (the acceptor); detaching that loop moves it to another. No socket is shared between loops.
 *
 * <p>Backlog: the kernel's maximum ({@code somaxconn}). Thread-safety: every method may be called
 * from any thread; {@link #listen} blocks for name resolution and the bind.
 */
public final class Listener implements Disposable {
    private final Protocol protocol;
    private final int fd;
    private final int family;
    private final SocketAddress localAddress;
    private final SteeringPolicy policy;
    private final CopyOnWriteArrayList<Attachment> attached = new CopyOnWriteArrayList<>();
    /** A consistent snapshot of the attachments and their loops, rebuilt on attach/detach, not per connection. */
    private volatile Snapshot snapshot = new Snapshot(new Attachment[0], List.of());

    private record Snapshot(Attachment[] attachments, List<EventLoop> loops) {
        /** The attachment the policy picks, or null when none is attached. */
        Attachment choose(SteeringPolicy policy) {
            return attachments.length == 0 ? null : attachments[policy.choose(loops)];
        }
    }
    private volatile boolean disposed;
    /**
     * The attachment whose loop is responsible for the listening socket (registered there, or about
     * to be). Only that loop's tasks touch the socket, and ownership moves only inside such a task,
     * so a hand-over and a dispose can never race on the descriptor. Guarded by {@code this}.
     */
    private Attachment owner;
    /** Confined to the owner's loop. */
    private FdEvent acceptEvent;
    /** STREAM_IO_URING_TCP: the multishot accept armed on the owner loop's ring. */
    private RingAcceptor ringAcceptor;

    private record Attachment(EventLoop loop, Consumer<Bind> handler) {
    }

    /** In-process listeners, by name: private to this process. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Listener> INPROC =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final String inprocName;

    private Listener(Protocol protocol, int fd, int family, SteeringPolicy policy) {
        this.protocol = protocol;
        this.fd = fd;
        this.family = family;
        this.policy = policy;
        this.localAddress = SocketOps.localAddress(fd, family);
        this.inprocName = null;
    }

    private Listener(String inprocName, SteeringPolicy policy) {
        this.protocol = Protocol.STREAM_INPROC;
        this.fd = -1;
        this.family = -1;
        this.policy = policy;
        this.localAddress = new InprocStreamBind.InprocAddress(inprocName);
        this.inprocName = inprocName;
    }

    /** Listens on {@code endpoint} (port 0 = any free port) with round-robin steering. */
    public static Listener listen(Protocol protocol, Endpoint endpoint) {
        return listen(protocol, endpoint, SteeringPolicy.roundRobin());
    }

    /** Listens on {@code endpoint} with {@code policy} steering. */
    public static Listener listen(Protocol protocol, Endpoint endpoint, SteeringPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        protocol.checkAvailable();
        if (!protocol.isStream()) {
            throw new IllegalArgumentException(protocol + " is a datagram protocol: listeners take stream protocols");
        }
        if (protocol.isInProcess()) {
            endpoint.checkFits(protocol);
            Listener l = new Listener(endpoint.inprocName(), policy);
            if (INPROC.putIfAbsent(endpoint.inprocName(), l) != null) {
                throw new IllegalStateException("in-process name '" + endpoint.inprocName() + "' is already listening");
            }
            return l;
        }
        SocketOps.Target target = SocketOps.target(protocol, endpoint);
        int fd = SocketOps.listen(protocol, target);
        return new Listener(protocol, fd, target.family(), policy);
    }

    /** The address the socket is bound to (with the port the kernel chose for port 0). */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** The bound port (IP listeners), or -1. */
    public int port() {
        return localAddress instanceof InetSocketAddress a ? a.getPort() : -1;
    }

    /** The protocol. */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * Attaches {@code loop}: from now on it may be chosen for accepted connections, and
     * {@code handler} gets each one on the loop's thread (it owns the bind). Dispose the result to
     * detach; connections already accepted stay on the loop.
     */
    public Disposable attach(EventLoop loop, Consumer<Bind> handler) {
        if (disposed) {
            throw new IllegalStateException("listener disposed");
        }
        Attachment a = new Attachment(loop, Objects.requireNonNull(handler, "handler"));
        attached.add(a);
        attachmentsChanged();
        synchronized (this) {
            if (owner == null && !disposed && inprocName == null) {
                owner = a;
                runOn(a, () -> register(a));
            }
        }
        return new Disposable() {
            private volatile boolean done;

            @Override
            public void dispose() {
                if (!done) {
                    done = true;
                    detach(a);
                }
            }

            @Override
            public boolean isDisposed() {
                return done;
            }
        };
    }

    /** The loops attached now (an unmodifiable snapshot). */
    public List<EventLoop> loops() {
        return snapshot.loops();
    }

    /** Called after every change of {@link #attached}. */
    private synchronized void attachmentsChanged() {
        Attachment[] all = attached.toArray(new Attachment[0]);
        List<EventLoop> loops = new ArrayList<>(all.length);
        for (Attachment a : all) {
            loops.add(a.loop);
        }
        snapshot = new Snapshot(all, java.util.Collections.unmodifiableList(loops));
    }

    /** On a's loop: start accepting there, unless it no longer owns the socket. */
    private void register(Attachment a) {
        synchronized (this) {
            if (disposed || owner != a) {
                return; // a queued dispose or hand-over task on this loop takes care of the socket
            }
        }
        if (protocol == Protocol.STREAM_IO_URING_TCP) {
            ringAcceptor = new RingAcceptor(a.loop);
            ringAcceptor.arm();
            return;
        }
        acceptEvent = a.loop.addFd(fd, new Acceptor(), true, false);
    }

    /** Owner loop: stops a multishot accept (the kernel confirms with -ECANCELED). */
    private void stopRingAcceptor() {
        if (ringAcceptor != null) {
            ringAcceptor.stop();
            ringAcceptor = null;
        }
    }

    private void detach(Attachment a) {
        attached.remove(a);
        attachmentsChanged();
        if (inprocName != null) {
            return;
        }
        synchronized (this) {
            if (owner != a) {
                return;
            }
        }
        runOn(a, () -> handOver(a));
    }

    /** On a's loop: stop accepting there and give the socket to another attached loop, if any. */
    private void handOver(Attachment a) {
        if (acceptEvent != null) {
            acceptEvent.close();
            acceptEvent = null;
        }
        stopRingAcceptor();
        synchronized (this) {
            if (disposed || owner != a) {
                return;
            }
            Attachment next = attached.isEmpty() ? null : attached.get(0);
            owner = next;
            if (next != null) {
                runOn(next, () -> register(next));
            }
        }
    }

    /** Runs on a's loop; if that loop is gone (its epoll went with it), the next one takes over. */
    private void runOn(Attachment a, Runnable task) {
        try {
            a.loop.schedule(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            attached.remove(a);
            attachmentsChanged();
            synchronized (this) {
                if (owner == a && !disposed) {
                    owner = attached.isEmpty() ? null : attached.get(0);
                    if (owner != null) {
                        Attachment next = owner;
                        runOn(next, () -> register(next));
                    }
                }
            }
        }
    }

    /** Stops listening and closes the socket; accepted connections are not affected. */
    @Override
    public void dispose() {
        Attachment o;
        synchronized (this) {
            if (disposed) {
                return;
            }
            disposed = true;
            o = owner;
        }
        attached.clear();
        attachmentsChanged();
        if (inprocName != null) {
            INPROC.remove(inprocName, this);
            return;
        }
        if (o == null) {
            LIBC.close(fd);
            return;
        }
        try {
            // Queued behind any register/hand-over task of the same loop: it runs last.
            o.loop.schedule(() -> {
                if (acceptEvent != null) {
                    acceptEvent.close();
                    acceptEvent = null;
                }
                if (ringAcceptor != null) {
                    stopRingAcceptor();
                    // A pending accept holds the socket in the kernel: shutting it down ends it now.
                    LIBC.shutdown(fd, Linux.SHUT_RDWR);
                }
                LIBC.close(fd);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LIBC.close(fd);
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    /**
     * An in-process connect from {@code clientLoop}: both sides are made and paired, the server
     * side goes to the chosen attached loop's handler, the client side is emitted once it has.
     */
    static reactor.core.publisher.Mono<Bind> connectInproc(EventLoop clientLoop, String name) {
        return reactor.core.publisher.Mono.defer(() -> {
            Listener l = INPROC.get(name);
            Attachment target = l == null || l.disposed ? null : l.snapshot.choose(l.policy);
            if (target == null) {
                return reactor.core.publisher.Mono.error(new IllegalStateException("connect inproc:" + name
                        + ": nothing listening (or no loop attached)"));
            }
            InprocStreamBind client = new InprocStreamBind(clientLoop, name);
            InprocStreamBind server = new InprocStreamBind(target.loop, name);
            InprocStreamBind.pair(client, server);
            return reactor.core.publisher.Mono.<Bind>fromRunnable(() -> target.handler.accept(server))
                    .subscribeOn(target.loop)
                    .then(reactor.core.publisher.Mono.just(client));
        });
    }

    /** Accepts on the acceptor loop and hands each connection to its chosen loop. */
    private final class Acceptor implements FdHandler {
        /** An accept error was reported and no accept succeeded since. Acceptor-loop confined. */
        private boolean failing;

        @Override
        public void onReadable(FdEvent ev) {
            for (int i = 0; i < 64; i++) {
                int conn = LIBC.accept4(fd, 0, 0, Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC);
                if (conn < 0) {
                    int errno = Native.errno();
                    if (errno == Errno.EAGAIN) {
                        ev.markUnreadable();
                        return;
                    }
                    if (errno == Errno.EINTR || errno == Errno.ECONNABORTED) {
                        continue;
                    }
                    // EMFILE, ENFILE, ENOBUFS…: pause accepting for 100 ms (the pending connection
                    // stays in the backlog), then try again; never spin on the error. Reported once
                    // per streak of failures, not every 100 ms.
                    NativeIoException error = Native.error("accept4", String.valueOf(localAddress));
                    if (!failing) {
                        failing = true;
                        ev.loop().reportCallbackError(error);
                    }
                    ev.readInterest(false);
                    ev.loop().timer(() -> {
                        if (!ev.isClosed()) {
                            ev.readInterest(true);
                        }
                    }).schedule(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    return;
                }
                failing = false;
                dispatch(conn);
            }
        }
    }

    /** Acceptor loop: hands an accepted connection to its chosen loop. */
    private void dispatch(int conn) {
        Attachment target = snapshot.choose(policy);
        if (target == null) {
            LIBC.close(conn);
            return;
        }
        // A loop disposed before the hand-over runs drops it: the descriptor is closed then.
        target.loop.execute(() -> open(target, conn), () -> LIBC.close(conn));
    }

    /**
     * STREAM_IO_URING_TCP: one multishot ACCEPT on the owner loop's ring yields every connection
     * (no readiness event, no accept call per connection). An error pauses it for 100 ms, reported
     * once per streak like the epoll acceptor; a multishot the kernel ended is re-armed.
     * Owner-loop confined.
     */
    private final class RingAcceptor implements dev.evpl.reactive.core.internal.uring.LoopRing.MultiCompletion {
        private final EventLoop loop;
        private final dev.evpl.reactive.core.internal.uring.LoopRing ring;
        private long armed = -1;
        private boolean stopped;
        private boolean failing;

        RingAcceptor(EventLoop loop) {
            this.loop = loop;
            this.ring = dev.evpl.reactive.core.internal.uring.LoopRing.of(loop);
        }

        void arm() {
            if (stopped || armed >= 0) {
                return;
            }
            armed = ring.submitMultishot((sqe, user) -> {
                dev.evpl.reactive.core.internal.uring.UringOps.acceptMultishot(sqe, fd, Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, user);
            }, this);
        }

        void stop() {
            stopped = true;
            ring.cancel(armed);
        }

        @Override
        public void complete(int res, int flags) {
            boolean more = (flags & dev.evpl.reactive.core.internal.uring.LoopRing.CQE_F_MORE) != 0;
            if (!more) {
                armed = -1;
            }
            if (res >= 0) {
                failing = false;
                if (stopped && disposed) {
                    LIBC.close(res);
                } else {
                    dispatch(res); // also right after a hand-over: the connection is served, not dropped
                }
                if (!more) {
                    arm();
                }
                return;
            }
            if (stopped || loop.isDisposed()) {
                return; // stopped, or the loop (and its ring) is going away
            }
            if (res != -Errno.ECANCELED) {
                if (!failing) {
                    failing = true;
                    loop.reportCallbackError(NativeIoException.of("accept", String.valueOf(localAddress), -res));
                }
                if (more) {
                    ring.cancel(armed); // stop it now; its last completion schedules the retry
                    return;
                }
            }
            // The multishot ended (an error, our cancel after one, or the kernel): retry after a pause.
            loop.timer(this::arm).schedule(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void open(Attachment a, int conn) {
        SocketStreamBind bind;
        try {
            bind = SocketStreamBind.connected(a.loop, protocol, conn, family);
        } catch (RuntimeException e) {
            // connected() closed the descriptor already (a second close could hit a reused number)
            if (a.loop.isDisposed()) {
                return; // accepted while its loop was being disposed: nobody can serve it, not an error
            }
            throw e;
        }
        try {
            a.handler.accept(bind);
        } catch (RuntimeException e) {
            bind.closeNow(e);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "Listener[" + protocol + " " + localAddress + ", loops=" + attached.size() + ']';
    }
}
