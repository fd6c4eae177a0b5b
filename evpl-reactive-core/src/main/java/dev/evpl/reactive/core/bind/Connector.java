package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/** Outgoing connections of the socket backends. */
final class Connector {
    private Connector() {
    }

    static Mono<Bind> connect(EventLoop loop, Protocol protocol, Endpoint endpoint) {
        return connect(loop, protocol, endpoint, false);
    }

    /** {@code early}: emit the bind as soon as the connect is under way (sends queue until it completes). */
    static Mono<Bind> connect(EventLoop loop, Protocol protocol, Endpoint endpoint, boolean early) {
        return Mono.defer(() -> {
            protocol.checkAvailable();
            if (!protocol.isStream()) {
                return Mono.error(new IllegalArgumentException(protocol + " is a datagram protocol: use a datagram bind"));
            }
            endpoint.checkFits(protocol);
            if (protocol.isInProcess()) {
                return Listener.connectInproc(loop, endpoint.inprocName());
            }
            // A name that does not resolve fails the connect with the UnknownHostException itself.
            Mono<SocketOps.Target> target = Mono.fromCallable(() -> SocketOps.target(protocol, endpoint))
                    .onErrorMap(e -> e instanceof java.io.UncheckedIOException u
                            && u.getCause() instanceof java.net.UnknownHostException, Throwable::getCause);
            if (!endpoint.isUnix()) {
                target = target.subscribeOn(Schedulers.boundedElastic()); // DNS may block
            }
            return target.flatMap(t -> start(loop, protocol, t, early));
        });
    }

    private static Mono<Bind> start(EventLoop loop, Protocol protocol, SocketOps.Target target, boolean early) {
        Sinks.One<Bind> result = Sinks.one();
        // Early: the caller gets the bind at once; the connect's own outcome goes to a sink nobody
        // waits on, and a failure closes the bind with the cause (sends fail, receive errors).
        Sinks.One<Bind> connectOutcome = early ? Sinks.one() : result;
        SocketStreamBind[] holder = new SocketStreamBind[1];
        Runnable begin = () -> {
            try {
                boolean[] connected = new boolean[1];
                int fd = SocketOps.connect(target, connected);
                if (connected[0]) {
                    result.tryEmitValue(SocketStreamBind.connected(loop, protocol, fd, target.family()));
                } else {
                    SocketStreamBind b = SocketStreamBind.connecting(loop, protocol, fd, target.family(), connectOutcome);
                    b.targetName = target.name();
                    holder[0] = b;
                    if (early) {
                        result.tryEmitValue(b);
                    }
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
        return result.asMono().doOnCancel(() -> {
            try {
                loop.schedule(() -> {
                    SocketStreamBind b = holder[0];
                    if (b != null && !b.isClosedOnLoop() && result.currentSubscriberCount() == 0) {
                        b.closeNow(new IllegalStateException("connect cancelled"));
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The loop is gone and closed its binds.
            }
        });
    }
}
