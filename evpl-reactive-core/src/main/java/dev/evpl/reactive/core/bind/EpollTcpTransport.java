package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;

/** {@code STREAM_SOCKET_TCP}: kernel TCP, data path and accept on epoll. */
final class EpollTcpTransport extends SocketStreamTransport {
    @Override
    public Protocol protocol() {
        return Protocol.STREAM_SOCKET_TCP;
    }

    @Override
    SocketStreamBind newBind(EventLoop loop, int fd, int family, boolean connecting) {
        return new EpollStreamBind(loop, protocol(), fd, family);
    }

    @Override
    Acceptor acceptor(int fd, int family, ConnectionSink sink) {
        return new EpollAcceptor(this, fd, family, sink);
    }
}
