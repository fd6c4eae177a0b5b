package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import reactor.core.publisher.Mono;

/** {@code DATAGRAM_SOCKET_UDP}: kernel UDP on epoll ({@link UdpBind}). */
final class UdpTransport implements DatagramTransport {
    @Override
    public Protocol protocol() {
        return Protocol.DATAGRAM_SOCKET_UDP;
    }

    @Override
    public Mono<DatagramBind> open(EventLoop loop, Endpoint local, int maxDatagram) {
        return UdpBind.open(loop, protocol(), local, maxDatagram);
    }
}
