package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Listener;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;

/**
 * A running {@link HttpServer}. {@link #disposeNow(Duration)} is graceful: it stops accepting,
 * closes idle connections, lets requests in progress finish (their responses carry
 * {@code Connection: close}), and closes whatever is left when the timeout expires.
 *
 * <p>Thread-safe.
 */
public final class DisposableHttpServer implements Disposable {
    private final Listener listener;
    private final EventLoopGroup ownGroup;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile List<Disposable> attachments = List.of();
    private volatile boolean disposed;
    private volatile boolean closed;

    DisposableHttpServer(Listener listener, EventLoopGroup ownGroup) {
        this.listener = listener;
        this.ownGroup = ownGroup;
    }

    void attachments(List<Disposable> attachments) {
        this.attachments = attachments;
    }

    /** Loop: a new connection. */
    void serve(Bind bind, ServerSettings settings, HttpHandler handler) {
        if (disposed) {
            bind.close();
            return;
        }
        ServerConnection c = new ServerConnection(bind, settings, handler, connections::remove);
        connections.add(c);
        c.start();
    }

    /** The bound address. */
    public SocketAddress address() {
        return listener.localAddress();
    }

    /** The bound port (IP protocols), or -1. */
    public int port() {
        return listener.port();
    }

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /** {@link #disposeNow(Duration)} with 5 seconds. */
    @Override
    public void dispose() {
        disposeNow(Duration.ofSeconds(5));
    }

    /**
     * Stops accepting, lets exchanges in progress finish for up to {@code timeout}, then closes
     * every connection (and the server's own loops). Blocking: call it off the loops.
     */
    public void disposeNow(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        shutdown();
        awaitTermination(timeout);
        for (ServerConnection c : connections) {
            c.onLoop(c::closeNow);
        }
        if (ownGroup != null) {
            ownGroup.close();
        }
    }

    /**
     * The graceful half of {@link #disposeNow}, without waiting: stops accepting, closes idle
     * connections, and lets each busy one close after its exchange in progress (the response carries
     * {@code Connection: close}). Returns at once; idempotent. Follow with {@link #awaitTermination}
     * and {@link #disposeNow} (which closes what is left).
     */
    public void shutdown() {
        synchronized (this) {
            if (disposed) {
                return;
            }
            disposed = true;
        }
        attachments.forEach(Disposable::dispose);
        listener.dispose();
        for (ServerConnection c : connections) {
            c.onLoop(c::shutdown);
        }
    }

    /**
     * Waits up to {@code timeout} for every connection to close; true when none is left. Blocking:
     * call it off the loops.
     */
    public boolean awaitTermination(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return connections.isEmpty();
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }
}
