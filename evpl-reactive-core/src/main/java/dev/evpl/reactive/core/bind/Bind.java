package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A connection of a stream protocol, living on one {@link EventLoop} for its whole life.
 *
 * <p><b>Receive = demand.</b> {@link #receive()} emits the bytes as they arrive, in segments of
 * whatever size the kernel returned (message boundaries are not kept: frame with a
 * {@code SegmentFunction}). Each {@code request(n)} is credit for n reads: with credit the loop
 * reads into pooled buffers; without it, it stops reading, the kernel's buffer fills and TCP's
 * window closes on the peer. The subscriber owns every segment it receives.
 *
 * <p><b>Send = batch.</b> {@link #send(Publisher)} takes over the segments and writes them in
 * order, flushed once per loop pass with one gathering write; it requests from the publisher only
 * while the bind's unsent bytes are under its high-water mark.
 *
 * <p>Thread-safety: every method may be called from any thread; work hops onto the bind's loop.
 */
public interface Bind {

    /**
     * The received bytes; completes when the peer closes its side, fails on a connection error.
     * One subscriber only (a second gets an {@link IllegalStateException}). Cancelling stops reading.
     */
    Flux<Segment> receive();

    /** Sends every segment of {@code data} (taking ownership); completes once all were written. */
    Mono<Completion> send(Publisher<Segment> data);

    /** Sends one segment (taking ownership). */
    default Mono<Completion> send(Segment data) {
        return send(Mono.just(data));
    }

    /**
     * Sends a copy of the remaining bytes of {@code bytes} (position to limit; the buffer's position
     * is not moved). From any thread, in call order with the bind's other sends from that thread:
     * the bytes are copied into a pooled segment on the bind's loop when the returned Mono is
     * subscribed, so leave the buffer's contents alone until it emits. For the zero-copy path,
     * allocate from {@code loop().allocator()} on the loop and send the {@link Segment}.
     */
    default Mono<Completion> send(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        return Mono.defer(() -> send(MonoSendOne.copyOf(loop().allocator(), view))).subscribeOn(loop());
    }

    /** {@link #send(ByteBuffer)} of the whole array. */
    default Mono<Completion> send(byte[] bytes) {
        return send(ByteBuffer.wrap(bytes));
    }

    /** {@link #send(ByteBuffer)} of {@code text} encoded as UTF-8. */
    default Mono<Completion> sendString(CharSequence text) {
        return send(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Bytes of this bind's sends written so far (to the kernel's socket buffer, or handed to the
     * in-process peer). Any thread; a racy read. With {@link #sendBacklog()} it tells a peer that
     * stopped reading (backlog stays, this does not move) from a sender with nothing to send.
     */
    long bytesSent();

    /** Bytes taken by sends and not yet written. Any thread; a racy read. */
    int sendBacklog();

    /** Closes the connection once everything queued was written; completes when closed. */
    Mono<Void> finish();

    /** Closes now: pending sends fail, receive completes. Idempotent. */
    void close();

    /** Completes when the bind is closed (by either side or an error). */
    Mono<Void> onClose();

    /** Whether the bind is closed. */
    boolean isClosed();

    /**
     * The connection's events: {@link BindEvent.Connected} first (replayed to late subscribers),
     * then {@link BindEvent.Sent} per flush where the protocol reports it, and
     * {@link BindEvent.Disconnected} last, with the cause when it failed. Costs nothing while
     * nobody subscribes. Any number of subscribers.
     */
    default Flux<BindEvent> events() {
        return Flux.concat(Mono.just(new BindEvent.Connected(localAddress(), remoteAddress())),
                onClose().then(Mono.just(new BindEvent.Disconnected(null))));
    }

    /** The loop the bind lives on. */
    EventLoop loop();

    /** The protocol. */
    Protocol protocol();

    /** The local address ({@code InetSocketAddress}, or a {@code UnixAddress}). */
    SocketAddress localAddress();

    /** The peer's address. */
    SocketAddress remoteAddress();

    /**
     * Connects from {@code loop} to {@code endpoint} through {@code transport} (a configured one,
     * such as a TLS transport with its trust settings). Lazy; a cancel leaves no connection open.
     */
    static Mono<Bind> connect(EventLoop loop, StreamTransport transport, Endpoint endpoint) {
        return Mono.defer(() -> {
            endpoint.checkFits(transport.endpointProtocol());
            return transport.connect(loop, endpoint, false);
        });
    }

    /**
     * Connects to {@code endpoint} from {@code loop}; emits the bind once connected, or a
     * {@link dev.evpl.reactive.core.io.NativeIoException} such as {@code connect 127.0.0.1:9:
     * ECONNREFUSED (111)}. Host names are resolved off the loop. Cancelling (for example with
     * {@code timeout}) closes the half-open socket.
     */
    static Mono<Bind> connect(EventLoop loop, Protocol protocol, Endpoint endpoint) {
        return Mono.defer(() -> Transports.stream(protocol, endpoint).connect(loop, endpoint, false));
    }

    /**
     * Like {@link #connect}, but emits the bind as soon as the connect is under way (libevpl's
     * connect): sends queue and go out once it completes, {@link #events()} reports
     * {@code Connected} then. A failed connect closes the bind with the cause: queued sends fail,
     * {@code receive()} errors, {@code events()} ends with {@code Disconnected(cause)}.
     */
    static Mono<Bind> connectQueued(EventLoop loop, Protocol protocol, Endpoint endpoint) {
        return Mono.defer(() -> Transports.stream(protocol, endpoint).connect(loop, endpoint, true));
    }
}
