package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import java.net.SocketAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A bound datagram socket on one loop ({@code DATAGRAM_SOCKET_UDP}). Receives are batched with
 * {@code recvmmsg}, sends with {@code sendmmsg} (up to 16 per call), flushed once per loop pass.
 *
 * <p>{@link #receive()}: one subscriber; demand counts datagrams, and with none the loop stops
 * reading (the kernel drops what overflows its buffer, as UDP does). Each datagram is copied once
 * from the loop's staging area into a pooled segment of its exact size, so a small datagram never
 * pins a maximum-size slot.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface DatagramBind {

    /** Received datagrams; the subscriber owns each one's segment. */
    Flux<Datagram> receive();

    /** Sends one datagram (taking ownership of its segment); completes once handed to the kernel. */
    Mono<Completion> send(Datagram datagram);

    /** Closes the socket; receive completes, pending sends fail. */
    void close();

    /** Completes when closed. */
    Mono<Void> onClose();

    /** The bound address (with the port the kernel chose for port 0), or the in-process address. */
    SocketAddress localAddress();

    /** The loop the bind lives on. */
    EventLoop loop();

    /**
     * Binds a datagram socket to {@code local} on {@code loop}. Datagrams larger than
     * {@code maxDatagram} bytes are truncated by the kernel and reported as errors.
     */
    static Mono<DatagramBind> open(EventLoop loop, Protocol protocol, Endpoint local, int maxDatagram) {
        return Mono.defer(() -> Transports.datagram(protocol, local).open(loop, local, maxDatagram));
    }

    /** {@link #open(EventLoop, Protocol, Endpoint, int)} with 64 KiB datagrams (libevpl's default). */
    static Mono<DatagramBind> open(EventLoop loop, Protocol protocol, Endpoint local) {
        // 64 KiB, or one pool buffer when buffers are smaller (a datagram is received into one).
        return open(loop, protocol, local, Math.min(65536, dev.evpl.reactive.core.buffer.BufferPool.global().config().bufferSize()));
    }
}
