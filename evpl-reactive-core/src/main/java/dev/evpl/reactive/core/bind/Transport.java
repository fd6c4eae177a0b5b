package dev.evpl.reactive.core.bind;

/**
 * What a {@link Protocol} name stands for: the code that listens, connects and opens binds for
 * it. The library's own transports (epoll TCP, io_uring TCP, unix, UDP, the in-process ones) are
 * built in; another module adds one by implementing {@link StreamTransport} or
 * {@link DatagramTransport} and naming the class in
 * {@code META-INF/services/dev.evpl.reactive.core.bind.Transport} (or a {@code provides} clause
 * of its module). A transport found that way serves a protocol no built-in one serves (a
 * placeholder such as {@link Protocol#STREAM_SOCKET_TLS}, or a new name from
 * {@link Protocol#define}); applications keep naming the protocol, never the transport.
 *
 * <p>Implementations are stateless or thread-safe: the registry calls them from any thread.
 */
public interface Transport {

    /** The protocol served. */
    Protocol protocol();

    /** Why this transport cannot be used in this process (a kernel feature is missing), or null when it can. */
    default String unavailableReason() {
        return null;
    }
}
