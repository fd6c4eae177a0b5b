package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;

/**
 * Kernel stream sockets with data path and accept on epoll: {@code STREAM_SOCKET_TCP} and
 * {@code STREAM_SOCKET_UNIX} (the same code; the endpoint kind makes the socket family).
 */
final class EpollStreamTransport extends SocketStreamTransport {
    private final Protocol protocol;

    EpollStreamTransport(Protocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    SocketStreamBind newBind(EventLoop loop, int fd, int family, boolean connecting) {
        return new EpollStreamBind(loop, protocol, fd, family);
    }

    @Override
    Acceptor acceptor(int fd, int family, ConnectionSink sink) {
        return new EpollAcceptor(this, fd, family, sink);
    }
}
