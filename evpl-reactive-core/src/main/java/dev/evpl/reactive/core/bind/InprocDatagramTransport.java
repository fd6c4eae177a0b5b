package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import reactor.core.publisher.Mono;

/** {@code DATAGRAM_INPROC}: bounded datagram queues between loops of this process ({@link InprocDatagramBind}). */
final class InprocDatagramTransport implements DatagramTransport {
    @Override
    public Protocol protocol() {
        return Protocol.DATAGRAM_INPROC;
    }

    @Override
    public Mono<DatagramBind> open(EventLoop loop, Endpoint local, int maxDatagram) {
        return InprocDatagramBind.open(loop, protocol(), local, maxDatagram);
    }
}
