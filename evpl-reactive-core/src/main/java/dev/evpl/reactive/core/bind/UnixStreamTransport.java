package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;

/** {@code STREAM_SOCKET_UNIX}: AF_UNIX stream sockets (paths and abstract names), on epoll. */
final class UnixStreamTransport extends SocketStreamTransport {
    @Override
    public Protocol protocol() {
        return Protocol.STREAM_SOCKET_UNIX;
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
