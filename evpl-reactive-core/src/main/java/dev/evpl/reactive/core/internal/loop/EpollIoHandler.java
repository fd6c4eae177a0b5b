package dev.evpl.reactive.core.internal.loop;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.internal.nativeio.EpollEvent;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import dev.evpl.reactive.core.internal.nativeio.Timespec;

/**
 * {@link IoHandler} on epoll: the loop waits in {@code epoll_pwait2} (nanosecond timeouts; on a
 * kernel without it, {@code epoll_wait} with the timeout rounded <em>up</em> to whole milliseconds,
 * so timers are never early), is woken through an eventfd in the set, and, once the loop's
 * io_uring ring exists, reaps it when the ring's completion eventfd fires (see
 * {@link #attach}). One native allocation holds the event array, the control event, the timespec
 * and the wake word: a wait or a control call allocates nothing.
 *
 * <p>Thread-safety: confined to the owning loop's thread, except {@link #wakeup()}.
 */
public final class EpollIoHandler implements IoHandler {
    /** Tokens of the handler's own descriptors; fd tokens of the loop are {@code generation << 32 | slot}, generation > 0. */
    private static final long WAKE_TOKEN = -1L;
    private static final long QUEUE_TOKEN = -2L;

    private final int epfd;
    private final int maxEvents;
    private final long memory;
    private final long events;
    private final long ctlEvent;
    private final long timespec;
    private final long wakeWord;
    private final int wakeFd;
    private boolean pwait2 = true;
    private boolean closed;
    /** Entries the last wait reported, not yet processed. */
    private int ready;
    /** epoll_wait calls made (metrics and tests; plain: written by the loop only). */
    private long waits;
    private CompletionQueue queue;
    private int queueFd = -1;

    /** Creates the epoll set and its wake eventfd; {@code maxEvents} entries are read per wait. */
    public EpollIoHandler(int maxEvents, String owner) {
        this.maxEvents = maxEvents;
        long size = (long) maxEvents * EpollEvent.SIZE + EpollEvent.SIZE + 4 + Timespec.SIZE + 8;
        int ep = -1;
        int efd = -1;
        long mem = 0;
        try {
            ep = Native.check(LIBC.epoll_create1(Linux.EPOLL_CLOEXEC), "epoll_create1", owner);
            efd = Native.check(LIBC.eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC), "eventfd", owner);
            mem = NativeMemory.allocate(size);
        } catch (RuntimeException e) {
            closeQuietly(ep);
            closeQuietly(efd);
            throw e;
        }
        this.epfd = ep;
        this.wakeFd = efd;
        this.memory = mem;
        this.events = mem;
        this.ctlEvent = events + (long) maxEvents * EpollEvent.SIZE;
        this.timespec = ctlEvent + EpollEvent.SIZE + 4; // 8-byte aligned for the kernel's copy
        this.wakeWord = timespec + Timespec.SIZE;
        // Loads Timespec now (SIZE is inlined, so nothing else did): a first timed wait under
        // descriptor exhaustion could not open the jar to load it, and a failed resolution sticks,
        // leaving the loop unable to ever wait with a timeout again (AcceptErrorTest found it).
        Timespec.set(timespec, 0);
        NativeMemory.putLong(wakeWord, 1L);
        try {
            // Edge-triggered: every write is a new edge, so the counter never needs reading (one
            // system call less per wake-up; it would take 2^64 wake-ups to fill it).
            register(efd, Linux.EPOLLIN | Linux.EPOLLET, WAKE_TOKEN);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            LIBC.close(fd);
        }
    }

    /** The epoll descriptor (for a ring that polls it). */
    public int fd() {
        return epfd;
    }

    /** Entries read per wait. */
    public int maxEvents() {
        return maxEvents;
    }

    /**
     * Reaps {@code queue} in every {@link #process}, and registers {@code signalFd} (an eventfd the
     * queue's kernel object signals on each completion) so a wait ends when one arrives. The
     * eventfd is edge-triggered and never read. {@code queue} null detaches.
     */
    public void attach(CompletionQueue queue, int signalFd) {
        if (this.queue != null) {
            cancel(queueFd);
        }
        this.queue = queue;
        this.queueFd = queue == null ? -1 : signalFd;
        if (queue != null) {
            register(signalFd, Linux.EPOLLIN | Linux.EPOLLET, QUEUE_TOKEN);
        }
    }

    @Override
    public void register(int fd, int eventBits, long token) {
        ctl(Linux.EPOLL_CTL_ADD, fd, eventBits, token, "epoll_ctl(ADD)");
    }

    @Override
    public void modify(int fd, int eventBits, long token) {
        ctl(Linux.EPOLL_CTL_MOD, fd, eventBits, token, "epoll_ctl(MOD)");
    }

    @Override
    public void cancel(int fd) {
        if (LIBC.epoll_ctl(epfd, Linux.EPOLL_CTL_DEL, fd, ctlEvent) < 0) {
            int errno = Native.errno();
            // A descriptor the caller already closed left epoll by itself: nothing to undo.
            if (errno != Errno.EBADF && errno != Errno.ENOENT) {
                throw dev.evpl.reactive.core.io.NativeIoException.of("epoll_ctl(DEL)", "fd " + fd, errno);
            }
        }
    }

    private void ctl(int op, int fd, int eventBits, long token, String call) {
        EpollEvent.set(ctlEvent, eventBits, token);
        Native.check(LIBC.epoll_ctl(epfd, op, fd, ctlEvent), call, "fd " + fd);
    }

    @Override
    public int await(long timeoutNanos) {
        waits++;
        int n;
        if (timeoutNanos <= 0) {
            n = LIBC.epoll_wait(epfd, events, maxEvents, timeoutNanos == 0 ? 0 : -1);
        } else if (pwait2) {
            Timespec.set(timespec, timeoutNanos);
            n = LIBC.epoll_pwait2(epfd, events, maxEvents, timespec, null, 0L);
            if (n < 0 && Native.errno() == Errno.ENOSYS) {
                pwait2 = false;
                return await(timeoutNanos);
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
            throw dev.evpl.reactive.core.io.NativeIoException.of("epoll_wait", "epfd " + epfd, errno);
        }
        ready = n;
        return n;
    }

    /** epoll_wait calls so far (racy read from another thread). */
    public long waits() {
        return waits;
    }

    /** Entries the last wait reported (before {@link #process} consumed them). */
    public int lastReady() {
        return ready;
    }

    @Override
    public int process(IoReady sink) {
        int n = ready;
        ready = 0;
        int work = 0;
        for (int i = 0; i < n; i++) {
            long token = EpollEvent.data(events, i);
            // The wake and queue eventfds only end the wait (edge-triggered, never read).
            if (token != WAKE_TOKEN && token != QUEUE_TOKEN) {
                sink.ready(token, EpollEvent.events(events, i));
                work++;
            }
        }
        CompletionQueue q = queue;
        if (q != null) {
            // Every pass, signalled or not: the reap reads memory, and a polling pass has no signal to see.
            work += q.reap();
        }
        return work;
    }

    @Override
    public boolean pollable() {
        return queue != null;
    }

    @Override
    public void wakeup() {
        LIBC.write(wakeFd, wakeWord, 8);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LIBC.close(epfd);
            LIBC.close(wakeFd);
            NativeMemory.free(memory);
        }
    }
}
