package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import dev.evpl.reactive.core.internal.uring.UringOps;
import java.util.concurrent.TimeUnit;

/**
 * Accepts with one multishot {@code ACCEPT} on the owner loop's ring: every connection, no
 * readiness event, no accept call per connection. An error pauses it for 100 ms, reported once per
 * streak like {@link EpollAcceptor}; a multishot the kernel ended is re-armed. Connections that
 * land after a stop (a hand-over to another loop) are still served; after a close they are closed.
 * Owner-loop confined once started.
 */
final class RingAcceptor extends SocketAcceptor {
    /** The multishot of the current owner loop (a new one per owner: a stopped one may still complete on its loop). */
    private OnLoop current;
    private volatile boolean closed;

    RingAcceptor(SocketStreamTransport transport, int fd, int family, StreamTransport.ConnectionSink sink) {
        super(transport, fd, family, sink);
    }

    @Override
    public void start(EventLoop loop) {
        current = new OnLoop(loop);
        current.arm();
    }

    @Override
    public void stop() {
        if (current != null) {
            current.stop();
            current = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (current != null) {
            stop();
            // A pending accept holds the socket in the kernel: shutting it down ends it now.
            LIBC.shutdown(fd, Linux.SHUT_RDWR);
        }
        LIBC.close(fd);
    }

    /** One owner loop's multishot accept; confined to that loop. */
    private final class OnLoop implements LoopRing.MultiCompletion {
        private final EventLoop loop;
        private final LoopRing ring;
        private long armed = -1;
        private boolean stopped;
        private boolean failing;

        OnLoop(EventLoop loop) {
            this.loop = loop;
            this.ring = LoopRing.of(loop);
        }

        void arm() {
            if (stopped || armed >= 0) {
                return;
            }
            armed = ring.submitMultishot((sqe, user) -> UringOps.acceptMultishot(sqe, fd,
                    Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, user), this);
        }

        void stop() {
            stopped = true;
            ring.cancel(armed); // the kernel confirms with -ECANCELED
        }

        @Override
        public void complete(int res, int flags) {
            boolean more = (flags & LoopRing.CQE_F_MORE) != 0;
            if (!more) {
                armed = -1;
            }
            if (res >= 0) {
                failing = false;
                if (closed) {
                    LIBC.close(res);
                } else {
                    serve(res); // also right after a hand-over: served, not dropped
                }
                if (!more) {
                    arm();
                }
                return;
            }
            if (stopped || loop.isDisposed()) {
                return; // stopped, or the loop (and its ring) is going away
            }
            if (res != -Errno.ECANCELED) {
                if (!failing) {
                    failing = true;
                    loop.reportCallbackError(NativeIoException.of("accept", String.valueOf(localAddress()), -res));
                }
                if (more) {
                    ring.cancel(armed); // stop it now; its last completion schedules the retry
                    return;
                }
            }
            // The multishot ended (an error, our cancel after one, or the kernel): retry after a pause.
            loop.timer(this::arm).schedule(ERROR_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
