package dev.evpl.reactive.core.spi;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.bind.StreamTransport;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A transport as another module would add it, with the public API only: found through
 * {@code META-INF/services} (test resources), serving a protocol it defines, layered over
 * STREAM_SOCKET_TCP (every bind wraps a TCP bind on the same loop, as TLS will).
 */
public final class LayeredTestTransport implements StreamTransport {
    static final Protocol PROTOCOL = Protocol.define("STREAM_TEST_LAYERED", true, Endpoint.Kind.INET);
    static final AtomicInteger ACCEPTED = new AtomicInteger();
    static final AtomicInteger CONNECTED = new AtomicInteger();

    private final StreamTransport inner = StreamTransport.of(Protocol.STREAM_SOCKET_TCP);

    @Override
    public Protocol protocol() {
        return PROTOCOL;
    }

    @Override
    public Acceptor listen(Endpoint endpoint, ConnectionSink sink) {
        return inner.listen(endpoint, connection -> sink.accept(new Incoming() {
            @Override
            public Bind open(EventLoop loop) {
                ACCEPTED.incrementAndGet();
                return new Layered(connection.open(loop));
            }

            @Override
            public void drop(Throwable why) {
                connection.drop(why);
            }
        }));
    }

    @Override
    public Mono<Bind> connect(EventLoop loop, Endpoint endpoint, boolean early) {
        return inner.connect(loop, endpoint, early).map(b -> {
            CONNECTED.incrementAndGet();
            return new Layered(b);
        });
    }

    /** A bind over another: here it only forwards (a TLS bind would encrypt and decrypt). */
    private static final class Layered implements Bind {
        private final Bind inner;

        Layered(Bind inner) {
            this.inner = inner;
        }

        @Override
        public Flux<Segment> receive() {
            return inner.receive();
        }

        @Override
        public Mono<Completion> send(Publisher<Segment> data) {
            return inner.send(data);
        }

        @Override
        public long bytesSent() {
            return inner.bytesSent();
        }

        @Override
        public int sendBacklog() {
            return inner.sendBacklog();
        }

        @Override
        public Mono<Void> finish() {
            return inner.finish();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public Mono<Void> onClose() {
            return inner.onClose();
        }

        @Override
        public boolean isClosed() {
            return inner.isClosed();
        }

        @Override
        public EventLoop loop() {
            return inner.loop();
        }

        @Override
        public Protocol protocol() {
            return PROTOCOL;
        }

        @Override
        public SocketAddress localAddress() {
            return inner.localAddress();
        }

        @Override
        public SocketAddress remoteAddress() {
            return inner.remoteAddress();
        }
    }
}
