package dev.evpl.reactive.core.bind;

import java.net.SocketAddress;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The {@link Bind#events()} of a socket bind: {@code Connected} once (replayed), {@code Sent} per
 * flush while someone listens, {@code Disconnected} last. Costs nothing until the first
 * subscription creates the live sink. Emitted to on the bind's loop only; subscribed from anywhere.
 */
final class BindEvents {
    private final Sinks.One<BindEvent> connected = Sinks.one();
    private volatile Sinks.Many<BindEvent> live;

    /** Loop: the connection is up. */
    void connected(SocketAddress local, SocketAddress remote) {
        connected.tryEmitValue(new BindEvent.Connected(local, remote));
    }

    /** Loop: a flush wrote {@code bytes} of {@code messages} segments. */
    void sent(long bytes, long messages) {
        Sinks.Many<BindEvent> l = live;
        if (l != null && bytes > 0 && l.currentSubscriberCount() > 0) {
            l.tryEmitNext(new BindEvent.Sent(bytes, messages));
        }
    }

    /** Loop: the bind closed ({@code cause} null when orderly); a connect that never completed has no Connected. */
    void disconnected(Throwable cause) {
        connected.tryEmitEmpty();
        Sinks.Many<BindEvent> l = live;
        if (l != null) {
            l.tryEmitNext(new BindEvent.Disconnected(cause));
            l.tryEmitComplete();
        }
    }

    /** The events for a new subscriber; {@code closed} and {@code closeCause} are read when the tail is chosen. */
    Flux<BindEvent> flux(Supplier<Boolean> closed, Supplier<Throwable> closeCause) {
        return Flux.defer(() -> {
            Sinks.Many<BindEvent> l = live;
            if (l == null) {
                synchronized (this) {
                    l = live;
                    if (l == null) {
                        live = l = Sinks.many().multicast().directBestEffort();
                    }
                }
            }
            Sinks.Many<BindEvent> sink = l;
            // The tail is chosen when Connected has been seen (or the connect failed), not before.
            Flux<BindEvent> tail = Flux.defer(() -> closed.get()
                    ? Mono.<BindEvent>just(new BindEvent.Disconnected(closeCause.get())).flux()
                    : sink.asFlux());
            return Flux.concat(connected.asMono(), tail);
        });
    }
}
