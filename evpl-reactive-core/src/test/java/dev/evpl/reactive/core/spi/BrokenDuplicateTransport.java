package dev.evpl.reactive.core.spi;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.bind.StreamTransport;
import reactor.core.publisher.Mono;

/** A provider for a protocol a built-in transport serves: the registry must ignore it. */
public final class BrokenDuplicateTransport implements StreamTransport {
    @Override
    public Protocol protocol() {
        return Protocol.STREAM_SOCKET_TCP;
    }

    @Override
    public Acceptor listen(Endpoint endpoint, ConnectionSink sink) {
        throw new AssertionError("the built-in STREAM_SOCKET_TCP transport must win");
    }

    @Override
    public Mono<Bind> connect(EventLoop loop, Endpoint endpoint, boolean early) {
        return Mono.error(new AssertionError("the built-in STREAM_SOCKET_TCP transport must win"));
    }
}
