package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.FdEvent;
import dev.evpl.reactive.core.FdHandler;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import java.util.concurrent.TimeUnit;

/**
 * Accepts on epoll: the listening socket registered on the owner loop, up to 64 {@code accept4}
 * per readable callback. Under descriptor exhaustion (EMFILE, ENFILE, ENOBUFS…) accepting pauses
 * for 100 ms (the pending connection stays in the backlog), reported once per streak of failures;
 * it never spins on the error. Owner-loop confined once started.
 */
final class EpollAcceptor extends SocketAcceptor implements FdHandler {
    private static final int ACCEPTS_PER_CALL = 64;

    private FdEvent event;
    /** An accept error was reported and no accept succeeded since. */
    private boolean failing;

    EpollAcceptor(SocketStreamTransport transport, int fd, int family, StreamTransport.ConnectionSink sink) {
        super(transport, fd, family, sink);
    }

    @Override
    public void start(EventLoop loop) {
        event = loop.addFd(fd, this, true, false);
    }

    @Override
    public void stop() {
        if (event != null) {
            event.close();
            event = null;
        }
    }

    @Override
    public void close() {
        stop();
        LIBC.close(fd);
    }

    @Override
    public void onReadable(FdEvent ev) {
        for (int i = 0; i < ACCEPTS_PER_CALL; i++) {
            int conn = LIBC.accept4(fd, 0, 0, Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC);
            if (conn < 0) {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN) {
                    ev.markUnreadable();
                    return;
                }
                if (errno == Errno.EINTR || errno == Errno.ECONNABORTED) {
                    continue;
                }
                NativeIoException error = Native.error("accept4", String.valueOf(localAddress()));
                if (!failing) {
                    failing = true;
                    ev.loop().reportCallbackError(error);
                }
                ev.readInterest(false);
                ev.loop().timer(() -> {
                    if (!ev.isClosed()) {
                        ev.readInterest(true);
                    }
                }).schedule(ERROR_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            failing = false;
            serve(conn);
        }
    }
}
