package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.bind.StreamTransport;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * TLS as a layer over another stream transport: each bind of the transport underneath (epoll TCP,
 * io_uring TCP, unix, in-process) carries the records of a {@link SecureBind}. The protocol is
 * {@link Protocol#STREAM_SOCKET_TLS} whatever the transport underneath.
 *
 * <p>Found by name through {@code ServiceLoader} (the no-argument constructor): TLS over
 * {@code STREAM_SOCKET_TCP} with {@link TlsConfig#client()} settings (the system trust store,
 * host names verified), so {@code Bind.connect(loop, Protocol.STREAM_SOCKET_TLS, endpoint)}
 * works by name; a server needs its certificate: {@code Listener.listen(TlsTransport.server(config),
 * endpoint)}. Immutable and thread-safe.
 */
public final class TlsTransport implements StreamTransport {
    private final Protocol innerProtocol;
    private final Supplier<TlsConfig> serverConfig;
    private final TlsConfig clientConfig;
    private volatile TlsConfig defaultClient;

    /** The registry's instance: TLS over TCP, client side with default settings. */
    public TlsTransport() {
        this(Protocol.STREAM_SOCKET_TCP, null, null);
    }

    private TlsTransport(Protocol innerProtocol, Supplier<TlsConfig> server, TlsConfig client) {
        this.innerProtocol = Objects.requireNonNull(innerProtocol, "innerProtocol");
        if (!innerProtocol.isStream()) {
            throw new IllegalArgumentException("TLS needs a stream protocol underneath, got " + innerProtocol);
        }
        this.serverConfig = server;
        this.clientConfig = client;
    }

    /** A listening side over TCP with {@code config} (a {@link TlsConfig#server} one). */
    public static TlsTransport server(TlsConfig config) {
        return server(Protocol.STREAM_SOCKET_TCP, config);
    }

    /** A listening side over {@code innerProtocol} (TCP, io_uring TCP, unix, in-process). */
    public static TlsTransport server(Protocol innerProtocol, TlsConfig config) {
        checkServer(config);
        return new TlsTransport(innerProtocol, () -> config, null);
    }

    /**
     * A listening side whose settings may change while it runs (certificate reload): {@code config}
     * is asked once per accepted connection, on that connection's loop, so it must return at once
     * without blocking (a config built beforehand, e.g. held in a volatile field or an
     * {@code AtomicReference} that a reload replaces). Connections already open keep theirs. A
     * client config, or null, refuses that connection with a message and the listener goes on.
     */
    public static TlsTransport server(Protocol innerProtocol, Supplier<TlsConfig> config) {
        Objects.requireNonNull(config, "config");
        checkServer(Objects.requireNonNull(config.get(), "config.get()"));
        return new TlsTransport(innerProtocol, config, null);
    }

    private static void checkServer(TlsConfig config) {
        if (config.isClient()) {
            throw new IllegalArgumentException("TlsTransport.server needs TlsConfig.server(...) settings");
        }
    }

    /** A connecting side over TCP with {@code config} (a {@link TlsConfig#client()} one). */
    public static TlsTransport client(TlsConfig config) {
        return client(Protocol.STREAM_SOCKET_TCP, config);
    }

    /** A connecting side over {@code innerProtocol}. */
    public static TlsTransport client(Protocol innerProtocol, TlsConfig config) {
        if (!config.isClient()) {
            throw new IllegalArgumentException("TlsTransport.client needs TlsConfig.client() settings");
        }
        return new TlsTransport(innerProtocol, null, config);
    }

    @Override
    public Protocol protocol() {
        return Protocol.STREAM_SOCKET_TLS;
    }

    @Override
    public Protocol endpointProtocol() {
        return innerProtocol;
    }

    @Override
    public String unavailableReason() {
        return innerProtocol.isAvailable() ? null : "TLS over " + innerProtocol + ": " + innerProtocol.unavailableReason();
    }

    @Override
    public Acceptor listen(Endpoint endpoint, ConnectionSink sink) {
        Supplier<TlsConfig> configs = serverConfig;
        if (configs == null) {
            throw new IllegalStateException("STREAM_SOCKET_TLS by name has no certificate to serve: listen with "
                    + "Listener.listen(TlsTransport.server(TlsConfig.server(chain, key).build()), endpoint)");
        }
        return StreamTransport.of(innerProtocol).listen(endpoint, connection -> sink.accept(new Incoming() {
            @Override
            public Bind open(EventLoop loop) {
                Bind inner = connection.open(loop);
                EngineBind bind;
                try {
                    TlsConfig config = configs.get();
                    if (config == null || config.isClient()) {
                        throw new IllegalStateException("the TLS server's config supplier returned "
                                + (config == null ? "null" : "client settings") + ": connection refused");
                    }
                    bind = new EngineBind(inner, config.newEngine(null, -1), Protocol.STREAM_SOCKET_TLS,
                            config.handshakeTimeout().toNanos());
                } catch (RuntimeException | Error e) {
                    inner.close();
                    throw e;
                }
                bind.start();
                return bind;
            }

            @Override
            public void drop(Throwable why) {
                connection.drop(why);
            }

            @Override
            public void served(Bind bind) {
                connection.served(bind instanceof SecureBind s ? s.transport() : bind);
            }
        }));
    }

    @Override
    public Mono<Bind> connect(EventLoop loop, Endpoint endpoint, boolean early) {
        TlsConfig config = clientConfig != null ? clientConfig : defaultClient();
        String host = endpoint.kind() == Endpoint.Kind.INET ? endpoint.host() : null;
        int port = endpoint.kind() == Endpoint.Kind.INET ? endpoint.port() : -1;
        long timeout = config.handshakeTimeout().toNanos();
        // The handshake comes first: the bind is emitted once it is done (early connects are not
        // offered over TLS: a send could not go out before it anyway).
        return StreamTransport.of(innerProtocol).connect(loop, endpoint, false)
                .publishOn(loop)
                .flatMap(inner -> {
                    EngineBind bind;
                    try {
                        bind = new EngineBind(inner, config.newEngine(host, port), Protocol.STREAM_SOCKET_TLS, timeout);
                    } catch (RuntimeException | Error e) {
                        inner.close();
                        return Mono.error(e);
                    }
                    bind.start();
                    return bind.handshake().<Bind>map(b -> b).doOnCancel(bind::close);
                });
    }

    private TlsConfig defaultClient() {
        TlsConfig c = defaultClient;
        if (c == null) {
            c = TlsConfig.client().build();
            defaultClient = c;
        }
        return c;
    }
}
