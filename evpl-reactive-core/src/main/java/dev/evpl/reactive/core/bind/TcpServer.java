package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A thin Reactor-Netty-style facade over {@link Listener}: an immutable builder whose
 * {@link #handle} function gets each accepted {@link Bind} and returns a publisher; the connection is
 * closed when that publisher terminates. Works with any stream protocol.
 *
 * <pre>{@code
 * DisposableServer server = TcpServer.create().loops(group).port(0)
 *         .handle(bind -> bind.send(bind.receive()))
 *         .bindNow();
 * }</pre>
 *
 * <p>Immutable and thread-safe: every setter returns a new instance.
 */
public final class TcpServer {
    private final Protocol protocol;
    private final Endpoint endpoint;
    private final EventLoopGroup loops;
    private final SteeringPolicy steering;
    private final Function<? super Bind, ? extends Publisher<?>> handler;

    private TcpServer(Protocol protocol, Endpoint endpoint, EventLoopGroup loops, SteeringPolicy steering,
                      Function<? super Bind, ? extends Publisher<?>> handler) {
        this.protocol = protocol;
        this.endpoint = endpoint;
        this.loops = loops;
        this.steering = steering;
        this.handler = handler;
    }

    /** TCP on 127.0.0.1, port 0, round-robin steering; loops and handler still to be set. */
    public static TcpServer create() {
        return new TcpServer(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0), null,
                SteeringPolicy.roundRobin(), null);
    }

    /** The stream protocol. */
    public TcpServer protocol(Protocol protocol) {
        return new TcpServer(Objects.requireNonNull(protocol, "protocol"), endpoint, loops, steering, handler);
    }

    /** Where to listen (a host:port, or a unix path for {@code STREAM_SOCKET_UNIX}). */
    public TcpServer endpoint(Endpoint endpoint) {
        return new TcpServer(protocol, Objects.requireNonNull(endpoint, "endpoint"), loops, steering, handler);
    }

    /** Listens on {@code host} at the current port. */
    public TcpServer host(String host) {
        return endpoint(Endpoint.inet(host, endpoint.isUnix() ? 0 : endpoint.port()));
    }

    /** Listens on {@code port} at the current host (0 = any free port). */
    public TcpServer port(int port) {
        return endpoint(Endpoint.inet(endpoint.isUnix() ? "127.0.0.1" : endpoint.host(), port));
    }

    /** The loops that serve connections (every loop of the group is attached). */
    public TcpServer loops(EventLoopGroup loops) {
        return new TcpServer(protocol, endpoint, Objects.requireNonNull(loops, "loops"), steering, handler);
    }

    /** How connections are spread over the loops. */
    public TcpServer steering(SteeringPolicy steering) {
        return new TcpServer(protocol, endpoint, loops, Objects.requireNonNull(steering, "steering"), handler);
    }

    /** The per-connection handler; runs on the connection's loop. */
    public TcpServer handle(Function<? super Bind, ? extends Publisher<?>> handler) {
        return new TcpServer(protocol, endpoint, loops, steering, Objects.requireNonNull(handler, "handler"));
    }

    /** Listens and attaches the loops; blocking (bind, name resolution). */
    public DisposableServer bindNow() {
        if (loops == null) {
            throw new IllegalStateException("TcpServer.loops(...) must be set");
        }
        if (handler == null) {
            throw new IllegalStateException("TcpServer.handle(...) must be set");
        }
        Listener listener = Listener.listen(protocol, endpoint, steering);
        List<Disposable> attachments = new ArrayList<>();
        for (EventLoop loop : loops.loops()) {
            attachments.add(listener.attach(loop, this::serve));
        }
        return new DisposableServer(listener, attachments);
    }

    private void serve(Bind bind) {
        Mono.fromDirect(Mono.from(handler.apply(bind)).then())
                .subscribe(null, error -> bind.close(), bind::close);
    }

    /** A running server; dispose to stop accepting (live connections are not closed). */
    public static final class DisposableServer implements Disposable {
        private final Listener listener;
        private final List<Disposable> attachments;

        DisposableServer(Listener listener, List<Disposable> attachments) {
            this.listener = listener;
            this.attachments = attachments;
        }

        /** The bound address. */
        public SocketAddress address() {
            return listener.localAddress();
        }

        /** The bound port (IP servers), or -1. */
        public int port() {
            return listener.port();
        }

        @Override
        public void dispose() {
            attachments.forEach(Disposable::dispose);
            listener.dispose();
        }

        @Override
        public boolean isDisposed() {
            return listener.isDisposed();
        }
    }
}
