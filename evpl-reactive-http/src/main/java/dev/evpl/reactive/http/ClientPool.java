package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.LoopTimer;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.StreamTransport;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one {@link HttpClient} to one endpoint from one event loop: at most
 * {@code maxConnections}, idle ones reused most-recent-first (evicted after {@code maxIdleTime} or
 * {@code maxLifeTime}), requests beyond the limit queued up to {@code pendingAcquireMaxCount}, each
 * failing after {@code pendingAcquireTimeout}. Pools are per loop, so no lock is ever taken.
 *
 * <p>Loop-confined.
 */
final class ClientPool {
    final EventLoop loop;
    final Endpoint endpoint;
    final StreamTransport transport;
    final ClientSettings settings;
    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private int total;

    ClientPool(EventLoop loop, StreamTransport transport, Endpoint endpoint, ClientSettings settings) {
        this.loop = loop;
        this.transport = transport;
        this.endpoint = endpoint;
        this.settings = settings;
    }

    /** A request waiting for a connection, with its acquire timeout. */
    private final class Pending {
        final ClientRequest request;
        final LoopTimer timer;

        Pending(ClientRequest request) {
            this.request = request;
            this.timer = loop.timer(() -> {
                if (pending.remove(this)) {
                    request.sink.error(new HttpException(0, "no connection to " + endpoint + " became free within "
                            + TimeUnit.NANOSECONDS.toMillis(settings.pendingAcquireTimeoutNanos()) + " ms (maxConnections "
                            + settings.maxConnections() + ")"));
                }
            });
        }
    }

    /** Loop: runs {@code r} on a pooled or new connection, or queues it. */
    void acquire(ClientRequest r) {
        if (r.cancelled) {
            return;
        }
        ClientConnection c = pollIdle();
        if (c != null) {
            c.exchange(r);
            return;
        }
        if (total < settings.maxConnections()) {
            connect(r);
            return;
        }
        if (pending.size() >= settings.pendingAcquireMaxCount()) {
            r.sink.error(new HttpException(0, "too many requests waiting for a connection to " + endpoint
                    + " (pendingAcquireMaxCount " + settings.pendingAcquireMaxCount() + ")"));
            return;
        }
        Pending p = new Pending(r);
        pending.add(p);
        p.timer.schedule(settings.pendingAcquireTimeoutNanos(), TimeUnit.NANOSECONDS);
    }

    private ClientConnection pollIdle() {
        long now = loop.clock().nanoTime();
        ClientConnection c;
        while ((c = idle.pollLast()) != null) {
            if (!c.isOpen()) {
                continue;
            }
            if (now - c.idleSinceNanos > settings.maxIdleTimeNanos() || now - c.createdNanos > settings.maxLifeTimeNanos()) {
                c.close();
                continue;
            }
            return c;
        }
        return null;
    }

    private void connect(ClientRequest r) {
        total++;
        Bind.connect(loop, transport, endpoint).subscribe(bind -> onLoop(() -> {
            ClientConnection c = new ClientConnection(bind, this);
            c.start();
            if (r.cancelled) {
                release(c); // connected for a request cancelled meanwhile: the next one may use it
            } else {
                c.exchange(r);
            }
        }), e -> onLoop(() -> {
            total--;
            r.sink.error(new HttpException(0, "cannot connect to " + endpoint + ": " + e.getMessage(), e));
            servePending();
        }));
    }

    private void onLoop(Runnable action) {
        loop.execute(action); // refused only when the loop is gone, with its connections
    }

    /**
     * Loop: the caller of {@code r} cancelled. Waiting for a connection, it leaves the queue; in an
     * exchange whose response head has not arrived, the connection is closed (what is left of that
     * response cannot be told apart from the next one's), which frees its place in the pool.
     */
    void cancelled(ClientRequest r) {
        if (r.cancelled) {
            return;
        }
        r.cancelled = true;
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.request == r) {
                it.remove();
                p.timer.cancel();
                return;
            }
        }
        ClientConnection c = r.connection;
        if (c != null) {
            c.requestCancelled(r);
        }
    }

    /** Loop: a connection finished an exchange and may be reused. */
    void release(ClientConnection c) {
        Pending p = pending.poll();
        if (p != null) {
            p.timer.cancel();
            c.exchange(p.request);
            return;
        }
        idle.add(c);
    }

    /** Loop: a connection closed (by either side). */
    void closed(ClientConnection c) {
        total--;
        for (Iterator<ClientConnection> it = idle.iterator(); it.hasNext(); ) {
            if (it.next() == c) {
                it.remove();
                break;
            }
        }
        servePending();
    }

    private void servePending() {
        while (!pending.isEmpty() && total < settings.maxConnections()) {
            Pending p = pending.poll();
            p.timer.cancel();
            connect(p.request);
        }
    }

    /** Loop: closes every idle connection (client disposal). */
    void closeIdle() {
        ClientConnection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }
}
