package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code STREAM_INPROC}: loop to loop in one process. Listening registers a name (private to this
 * process); a connect finds it, makes both sides ({@link InprocStreamBind}), pairs them and hands
 * the server side to the listener, which steers it to an attached loop; the client side is emitted
 * once the listener's handler took the server side. No descriptor, so no loop is needed to accept.
 */
final class InprocStreamTransport implements StreamTransport {
    private static final ConcurrentHashMap<String, InprocAcceptor> LISTENING = new ConcurrentHashMap<>();

    @Override
    public Protocol protocol() {
        return Protocol.STREAM_INPROC;
    }

    @Override
    public Acceptor listen(Endpoint endpoint, ConnectionSink sink) {
        InprocAcceptor a = new InprocAcceptor(endpoint.inprocName(), sink);
        if (LISTENING.putIfAbsent(a.name, a) != null) {
            throw new IllegalStateException("in-process name '" + a.name + "' is already listening");
        }
        return a;
    }

    @Override
    public Mono<Bind> connect(EventLoop loop, Endpoint endpoint, boolean early) {
        // Connected as soon as made: early makes no difference.
        return Mono.defer(() -> {
            String name = endpoint.inprocName();
            InprocAcceptor a = LISTENING.get(name);
            if (a == null) {
                return Mono.error(nothingListening(name));
            }
            Sinks.One<Bind> result = Sinks.one();
            InprocStreamBind client = new InprocStreamBind(loop, name);
            a.sink.accept(new Incoming() {
                @Override
                public Bind open(EventLoop serverLoop) {
                    InprocStreamBind server = new InprocStreamBind(serverLoop, name);
                    InprocStreamBind.pair(client, server);
                    return server;
                }

                @Override
                public void drop(Throwable why) {
                    client.close();
                    result.tryEmitError(why);
                }

                @Override
                public void served(Bind server) {
                    result.tryEmitValue(client);
                }
            });
            return result.asMono();
        });
    }

    static IllegalStateException nothingListening(String name) {
        return new IllegalStateException("connect inproc:" + name + ": nothing listening (or no loop attached)");
    }

    /** A registered name; connections arrive through {@link #connect}, so it never needs a loop. */
    private static final class InprocAcceptor implements Acceptor {
        final String name;
        final ConnectionSink sink;
        private final SocketAddress address;

        InprocAcceptor(String name, ConnectionSink sink) {
            this.name = name;
            this.sink = sink;
            this.address = new InprocStreamBind.InprocAddress(name);
        }

        @Override
        public SocketAddress localAddress() {
            return address;
        }

        @Override
        public boolean needsLoop() {
            return false;
        }

        @Override
        public void start(EventLoop loop) {
        }

        @Override
        public void stop() {
        }

        @Override
        public void close() {
            LISTENING.remove(name, this);
        }
    }
}
