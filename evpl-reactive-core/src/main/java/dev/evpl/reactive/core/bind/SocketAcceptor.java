package dev.evpl.reactive.core.bind;

import java.net.SocketAddress;

/**
 * What the epoll and the io_uring acceptors share: the listening socket, its address and family,
 * the sink accepted connections go to, and the pause after an accept error. Subclasses decide how
 * connections are taken from the backlog; confinement is theirs (owner loop once started).
 */
abstract class SocketAcceptor implements StreamTransport.Acceptor {
    /**
     * How long accepting pauses after an error such as EMFILE: the connection stays in the backlog,
     * and retrying at once would spin on the same error.
     */
    static final long ERROR_PAUSE_MILLIS = 100;

    private final SocketStreamTransport transport;
    /** The listening socket. */
    final int fd;
    private final int family;
    private final SocketAddress localAddress;
    private final StreamTransport.ConnectionSink sink;

    SocketAcceptor(SocketStreamTransport transport, int fd, int family, StreamTransport.ConnectionSink sink) {
        this.transport = transport;
        this.fd = fd;
        this.family = family;
        this.sink = sink;
        this.localAddress = SocketOps.localAddress(fd, family);
    }

    @Override
    public final SocketAddress localAddress() {
        return localAddress;
    }

    /** Hands the accepted descriptor {@code conn} to the sink as a transport's incoming connection. */
    final void serve(int conn) {
        sink.accept(transport.accepted(conn, family));
    }
}
