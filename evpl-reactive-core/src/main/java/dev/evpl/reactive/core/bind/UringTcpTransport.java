package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.internal.uring.IoUring;

/**
 * {@code STREAM_IO_URING_TCP}: kernel TCP with its data path on the loop's io_uring
 * ({@link RingStreamBind}) and a multishot accept ({@link RingAcceptor}); connect on epoll.
 */
final class UringTcpTransport extends SocketStreamTransport {
    @Override
    public Protocol protocol() {
        return Protocol.STREAM_IO_URING_TCP;
    }

    @Override
    public String unavailableReason() {
        return IoUring.isAvailable() ? null : "io_uring unavailable: " + IoUring.unavailableReason();
    }

    @Override
    SocketStreamBind newBind(EventLoop loop, int fd, int family, boolean connecting) {
        return new RingStreamBind(loop, protocol(), fd, family, connecting);
    }

    @Override
    Acceptor acceptor(int fd, int family, ConnectionSink sink) {
        return new RingAcceptor(this, fd, family, sink);
    }
}
