package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/** Outgoing connections of the kernel-socket stream transports ({@link SocketStreamTransport}). */
final class Connector {
    static {
        // A bind that reaches a subscriber after it cancelled (a cancel from another thread racing
        // the loop's onNext) is handed to Reactor's onNextDropped: nobody else owns it, close it.
        reactor.core.publisher.Hooks.onNextDropped(dropped -> {
            if (dropped instanceof Bind b) {
                b.close();
            }
        });
    }

    private Connector() {
    }

    /** {@code early}: emit the bind as soon as the connect is under way (sends queue until it completes). */
    static Mono<Bind> connect(EventLoop loop, SocketStreamTransport transport, Endpoint endpoint, boolean early) {
        return Mono.defer(() -> {
            // A name that does not resolve fails the connect with the UnknownHostException itself.
            Mono<SocketOps.Target> target = Mono.fromCallable(() -> SocketOps.target(transport.protocol(), endpoint))
                    .onErrorMap(e -> e instanceof java.io.UncheckedIOException u
                            && u.getCause() instanceof java.net.UnknownHostException, Throwable::getCause);
            if (!endpoint.isUnix()) {
                target = target.subscribeOn(Schedulers.boundedElastic()); // DNS may block
            }
            return target.flatMap(t -> start(loop, transport, t, early));
        });
    }

    /**
     * Starts the connect on the loop. A cancel at any moment leaves nothing open: before the
     * connect runs it is not started; after, the bind is closed unless its subscriber took it (an
     * immediate unix connect included, whose bind is ready in the same task); a bind that reaches a
     * subscriber that cancelled meanwhile is closed by the dropped-resource hook.
     */
    private static Mono<Bind> start(EventLoop loop, SocketStreamTransport transport, SocketOps.Target target, boolean early) {
        Sinks.One<Bind> result = Sinks.one();
        // Early: the caller gets the bind at once; the connect's own outcome goes to a sink nobody
        // waits on, and a failure closes the bind with the cause (sends fail, receive errors).
        Sinks.One<Bind> connectOutcome = early ? Sinks.one() : result;
        ConnectState state = new ConnectState();
        Runnable begin = () -> {
            if (state.cancelled) {
                return; // cancelled before it started: no socket at all
            }
            try {
                boolean[] connected = new boolean[1];
                int fd = SocketOps.connect(target, connected);
                // From here the descriptor belongs to the bind: a failing construction closes it.
                SocketStreamBind made = transport.newBind(loop, fd, target.family(), !connected[0]);
                SocketStreamBind b = connected[0] ? SocketStreamBind.connected(made)
                        : SocketStreamBind.connecting(made, connectOutcome);
                b.targetName = target.name();
                state.bind = b;
                if (state.cancelled) {
                    b.closeNow(new IllegalStateException("connect cancelled"));
                } else if (connected[0] || early) {
                    result.tryEmitValue(b);
                }
            } catch (RuntimeException e) {
                result.tryEmitError(e);
            }
        };
        try {
            loop.schedule(begin);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return Mono.error(new IllegalStateException("event loop " + loop.name() + " is disposed", e));
        }
        return result.asMono()
                .doOnNext(b -> state.delivered = true)
                .doOnCancel(() -> {
                    state.cancelled = true;
                    try {
                        loop.schedule(() -> {
                            SocketStreamBind b = state.bind;
                            if (b != null && !state.delivered && !b.isClosedOnLoop()) {
                                b.closeNow(new IllegalStateException("connect cancelled"));
                            }
                        });
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // The loop is gone and closed its binds.
                    }
                });
    }

    /** One connect's progress: {@code bind} is the loop's; the flags are written by any thread. */
    private static final class ConnectState {
        SocketStreamBind bind;
        volatile boolean cancelled;
        volatile boolean delivered;
    }
}
