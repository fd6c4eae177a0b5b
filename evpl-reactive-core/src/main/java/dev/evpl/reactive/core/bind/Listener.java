package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
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
 * <p>The listener is the same for every transport: what accepts is the protocol's
 * {@link StreamTransport.Acceptor} (an epoll-registered socket, an io_uring multishot accept, an
 * in-process name), which hands each connection to this listener to be steered.
 *
 * <p>Backlog: the kernel's maximum ({@code somaxconn}). Thread-safety: every method may be called
 * from any thread; {@link #listen} blocks for name resolution and the bind.
 */
public final class Listener implements Disposable, StreamTransport.ConnectionSink {
    private final Protocol protocol;
    private final StreamTransport.Acceptor acceptor;
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
    private record Attachment(EventLoop loop, Consumer<Bind> handler) {
    }

    private Listener(Protocol protocol, StreamTransport transport, Endpoint endpoint, SteeringPolicy policy) {
        this.protocol = protocol;
        this.policy = policy;
        this.acceptor = transport.listen(endpoint, this);
        this.localAddress = acceptor.localAddress();
    }

    /** Listens on {@code endpoint} (port 0 = any free port) with round-robin steering. */
    public static Listener listen(Protocol protocol, Endpoint endpoint) {
        return listen(protocol, endpoint, SteeringPolicy.roundRobin());
    }

    /** Listens on {@code endpoint} with {@code policy} steering. */
    public static Listener listen(Protocol protocol, Endpoint endpoint, SteeringPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (!protocol.isStream()) {
            throw new IllegalArgumentException(protocol + " is a datagram protocol: listeners take stream protocols");
        }
        return new Listener(protocol, Transports.stream(protocol, endpoint), endpoint, policy);
    }

    /**
     * Listens on {@code endpoint} through {@code transport} (a configured one, such as a TLS
     * transport with its certificate) with round-robin steering.
     */
    public static Listener listen(StreamTransport transport, Endpoint endpoint) {
        return listen(transport, endpoint, SteeringPolicy.roundRobin());
    }

    /** Listens on {@code endpoint} through {@code transport} with {@code policy} steering. */
    public static Listener listen(StreamTransport transport, Endpoint endpoint, SteeringPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        endpoint.checkFits(transport.endpointProtocol());
        return new Listener(transport.protocol(), transport, endpoint, policy);
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
            if (owner == null && !disposed && acceptor.needsLoop()) {
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
        acceptor.start(a.loop);
    }

    private void detach(Attachment a) {
        attached.remove(a);
        attachmentsChanged();
        synchronized (this) {
            if (owner != a) {
                return;
            }
        }
        runOn(a, () -> handOver(a));
    }

    /** On a's loop: stop accepting there and give the socket to another attached loop, if any. */
    private void handOver(Attachment a) {
        acceptor.stop();
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
        if (o == null) {
            acceptor.close();
            return;
        }
        try {
            // Queued behind any register/hand-over task of the same loop: it runs last.
            o.loop.schedule(acceptor::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            acceptor.close(); // the loop is gone, and with it what the acceptor had registered there
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    /**
     * From the acceptor (its loop, or a connecting thread for in-process): steers {@code connection}
     * to the loop the policy picks; with none attached, or that loop gone, it is dropped.
     */
    @Override
    public void accept(StreamTransport.Incoming connection) {
        Attachment target = disposed ? null : snapshot.choose(policy);
        if (target == null) {
            connection.drop(new IllegalStateException("connect " + localAddress + ": nothing listening (or no loop attached)"));
            return;
        }
        // A loop disposed before the hand-over runs drops it: the connection is released then.
        target.loop.execute(() -> open(target, connection), () -> connection.drop(
                new IllegalStateException("event loop " + target.loop.name() + " was disposed")));
    }

    private void open(Attachment a, StreamTransport.Incoming connection) {
        Bind bind;
        try {
            bind = connection.open(a.loop);
        } catch (RuntimeException e) {
            // open() released the connection already (a second close could hit a reused number)
            if (a.loop.isDisposed()) {
                return; // accepted while its loop was being disposed: nobody can serve it, not an error
            }
            throw e;
        }
        try {
            a.handler.accept(bind);
        } catch (RuntimeException e) {
            bind.close();
            throw e;
        } finally {
            connection.served(bind); // also after a handler that threw: the bind is closing then
        }
    }

    @Override
    public String toString() {
        return "Listener[" + protocol + " " + localAddress + ", loops=" + attached.size() + ']';
    }
}
