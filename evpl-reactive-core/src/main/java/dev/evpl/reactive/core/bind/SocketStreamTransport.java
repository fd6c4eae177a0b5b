package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import reactor.core.publisher.Mono;

/**
 * What the kernel-socket stream transports share: a listening socket ({@link SocketOps}), the
 * connect ({@link Connector}) and accepted descriptors handed to their loop as {@link Incoming}.
 * A subclass says which bind carries the data and which acceptor takes connections.
 */
abstract class SocketStreamTransport implements StreamTransport {

    /**
     * A bind for socket {@code fd} on {@code loop}, connected or ({@code connecting}) with its
     * connect in progress; the bind owns the fd from here: a failure closes it.
     */
    abstract SocketStreamBind newBind(EventLoop loop, int fd, int family, boolean connecting);

    /** The acceptor for listening socket {@code fd} (it owns the fd). */
    abstract Acceptor acceptor(int fd, int family, ConnectionSink sink);

    @Override
    public final Acceptor listen(Endpoint endpoint, ConnectionSink sink) {
        SocketOps.Target target = SocketOps.target(protocol(), endpoint);
        int fd = SocketOps.listen(protocol(), target);
        try {
            return acceptor(fd, target.family(), sink);
        } catch (RuntimeException | Error e) {
            LIBC.close(fd);
            throw e;
        }
    }

    @Override
    public final Mono<Bind> connect(EventLoop loop, Endpoint endpoint, boolean early) {
        return Connector.connect(loop, this, endpoint, early);
    }

    /** An accepted descriptor waiting for its loop. */
    final Incoming accepted(int fd, int family) {
        return new SocketIncoming(this, fd, family);
    }

    private record SocketIncoming(SocketStreamTransport transport, int fd, int family) implements Incoming {
        @Override
        public Bind open(EventLoop loop) {
            return SocketStreamBind.connected(transport.newBind(loop, fd, family, false));
        }

        @Override
        public void drop(Throwable why) {
            LIBC.close(fd);
        }
    }
}
