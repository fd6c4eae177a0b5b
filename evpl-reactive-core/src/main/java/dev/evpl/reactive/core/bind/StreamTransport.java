package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import java.net.SocketAddress;
import reactor.core.publisher.Mono;

/**
 * A byte-stream {@link Transport}: it listens (the {@link Listener} facade steers what its
 * {@link Acceptor} accepts to the attached loops) and connects. A layered transport (TLS) wraps
 * the binds of another stream transport. See {@code docs/extending.md}.
 */
public interface StreamTransport extends Transport {

    /**
     * The stream transport serving {@code protocol}: what a layered transport wraps (TLS over
     * TCP). Throws {@link UnsupportedOperationException} when it is unavailable here, and
     * {@link IllegalArgumentException} for a datagram protocol.
     */
    static StreamTransport of(Protocol protocol) {
        protocol.checkAvailable();
        if (!(Transports.find(protocol) instanceof StreamTransport t)) {
            throw new IllegalArgumentException(protocol + " is a datagram protocol: it has no stream transport");
        }
        return t;
    }

    /**
     * The protocol whose endpoints this transport listens on and connects to: its own, or for a
     * layered transport the one underneath (TLS over unix takes unix paths).
     */
    default Protocol endpointProtocol() {
        return protocol();
    }

    /**
     * Starts listening on {@code endpoint} (already checked to fit the protocol); every
     * connection that arrives goes to {@code sink}. May block (name resolution, bind).
     */
    Acceptor listen(Endpoint endpoint, ConnectionSink sink);

    /**
     * Connects from {@code loop} to {@code endpoint} (already checked to fit the protocol). Lazy:
     * nothing happens until subscription; a cancel at any moment leaves no connection open.
     * {@code early}: emit the bind as soon as the connect is under way (sends queue until it is
     * up, a failure closes the bind with the cause).
     */
    Mono<Bind> connect(EventLoop loop, Endpoint endpoint, boolean early);

    /**
     * A transport's listening side, driven by one {@link Listener}. When {@link #needsLoop()}, the
     * listener runs it on one attached loop at a time (the owner): {@link #start} there, and
     * {@link #stop} there before moving it to another loop. Every method except
     * {@link #localAddress()} is called on the owner loop while started, else from any thread.
     */
    interface Acceptor {
        /** The bound address (with the port the kernel chose for port 0). */
        SocketAddress localAddress();

        /** Whether accepting needs a loop (a socket registered there); false: connections arrive by themselves. */
        default boolean needsLoop() {
            return true;
        }

        /** Owner loop: start accepting on {@code loop}. */
        void start(EventLoop loop);

        /** Owner loop: stop accepting; the listening resource stays open for the next owner. */
        void stop();

        /** Stops for good and releases the listening resource; connections accepted stay open. */
        void close();
    }

    /** Where an {@link Acceptor} hands what it accepted: the {@link Listener}, which steers it to a loop. */
    interface ConnectionSink {
        /** Any thread: a connection arrived. Exactly one of its {@code open} or {@code drop} will be called. */
        void accept(Incoming connection);
    }

    /** One accepted connection before it has a loop. */
    interface Incoming {
        /**
         * On {@code loop} (the one chosen for it): makes its bind. On failure the connection's
         * resources are released before the exception is thrown.
         */
        Bind open(EventLoop loop);

        /** The connection cannot be served (no loop attached, its loop went away): release it. Any thread. */
        void drop(Throwable why);

        /**
         * On the bind's loop, after the listener's handler ran with the bind (an in-process
         * connect completes here); also when the handler threw, the bind then being closed.
         */
        default void served(Bind bind) {
        }
    }
}
