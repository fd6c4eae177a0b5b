package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoopGroup;
import java.time.Duration;
import reactor.core.publisher.Sinks;

/**
 * A connected STREAM_IO_URING_TCP pair for tests: the client on loop 0 of {@code group}, the
 * accepted side on loop 1. Closing closes both and the listener.
 */
final class UringPair implements AutoCloseable {
    final Listener listener;
    final Bind client;
    final Bind server;

    UringPair(EventLoopGroup group) {
        listener = Listener.listen(Protocol.STREAM_IO_URING_TCP, Endpoint.inet("127.0.0.1", 0));
        Sinks.One<Bind> accepted = Sinks.one();
        listener.attach(group.loop(1), accepted::tryEmitValue);
        client = Bind.connect(group.loop(0), Protocol.STREAM_IO_URING_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                .block(Duration.ofSeconds(5));
        server = accepted.asMono().block(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        client.close();
        server.close();
        listener.dispose();
    }
}
