package dev.evpl.reactive.core.internal.loop;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.internal.nativeio.EpollEvent;
import dev.evpl.reactive.core.internal.nativeio.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import dev.evpl.reactive.core.internal.nativeio.Timespec;

/**
 * {@link Poller} on epoll. One native allocation holds the event array, the control event and the
 * timespec, so a wait or a control call allocates nothing. Timeouts go through
 * {@code epoll_pwait2} (nanoseconds); on a kernel without it (ENOSYS) the wait falls back to
 * {@code epoll_wait} with the timeout rounded <em>up</em> to whole milliseconds, so timers are
 * never early either way.
 *
 * <p>Thread-safety: confined to the owning loop's thread.
 */
public final class EpollPoller implements Poller {
    private final int epfd;
    private final int maxEvents;
    private final long memory;
    private final long events;
    private final long ctlEvent;
    private final long timespec;
    private boolean pwait2 = true;
    private boolean closed;

    /** Creates an epoll instance reporting at most {@code maxEvents} entries per wait. */
    public EpollPoller(int maxEvents) {
        this.maxEvents = maxEvents;
        this.epfd = Native.check(LIBC.epoll_create1(Linux.EPOLL_CLOEXEC), "epoll_create1", null);
        long size = (long) maxEvents * EpollEvent.SIZE + EpollEvent.SIZE + 4 + Timespec.SIZE;
        this.memory = NativeMemory.allocate(size);
        this.events = memory;
        this.ctlEvent = events + (long) maxEvents * EpollEvent.SIZE;
        this.timespec = ctlEvent + EpollEvent.SIZE + 4; // 8-byte aligned for the kernel's copy
    }

    /** The epoll descriptor (for a ring that waits on it, or for tests). */
    public int fd() {
        return epfd;
    }

    @Override
    public void add(int fd, int eventBits, long token) {
        ctl(Linux.EPOLL_CTL_ADD, fd, eventBits, token, "epoll_ctl(ADD)");
    }

    @Override
    public void modify(int fd, int eventBits, long token) {
        ctl(Linux.EPOLL_CTL_MOD, fd, eventBits, token, "epoll_ctl(MOD)");
    }

    @Override
    public void remove(int fd) {
        if (LIBC.epoll_ctl(epfd, Linux.EPOLL_CTL_DEL, fd, ctlEvent) < 0) {
            int errno = Native.errno();
            // A descriptor the caller already closed left epoll by itself: nothing to undo.
            if (errno != Errno.EBADF && errno != Errno.ENOENT) {
                throw dev.evpl.reactive.core.NativeIoException.of("epoll_ctl(DEL)", "fd " + fd, errno);
            }
        }
    }

    private void ctl(int op, int fd, int eventBits, long token, String call) {
        EpollEvent.set(ctlEvent, eventBits, token);
        Native.check(LIBC.epoll_ctl(epfd, op, fd, ctlEvent), call, "fd " + fd);
    }

    @Override
    public int waitFor(long timeoutNanos) {
        int n;
        if (timeoutNanos == 0 || timeoutNanos < 0) {
            n = LIBC.epoll_wait(epfd, events, maxEvents, timeoutNanos == 0 ? 0 : -1);
        } else if (pwait2) {
            Timespec.set(timespec, timeoutNanos);
            n = LIBC.epoll_pwait2(epfd, events, maxEvents, timespec, null, 0L);
            if (n < 0 && Native.errno() == Errno.ENOSYS) {
                pwait2 = false;
                return waitFor(timeoutNanos);
            }
        } else {
            long millis = (timeoutNanos + 999_999L) / 1_000_000L;
            n = LIBC.epoll_wait(epfd, events, maxEvents, (int) Math.min(millis, Integer.MAX_VALUE));
        }
        if (n < 0) {
            int errno = Native.errno();
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw dev.evpl.reactive.core.NativeIoException.of("epoll_wait", "epfd " + epfd, errno);
        }
        return n;
    }

    @Override
    public int readyEvents(int i) {
        return EpollEvent.events(events, i);
    }

    @Override
    public long readyToken(int i) {
        return EpollEvent.data(events, i);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LIBC.close(epfd);
            NativeMemory.free(memory);
        }
    }
}
