package dev.evpl.reactive.core.internal.loop;

/**
 * The kernel wait mechanism of one event loop: descriptors registered with interest bits and an
 * opaque 64-bit token, and a wait that reports which tokens became ready.
 *
 * <p>epoll implements it today ({@link EpollPoller}); an io_uring ring that waits on its own
 * completions (with the epoll fd and the wake eventfd served through it) can replace it without any
 * change to the loop. Thread-safety: confined to the owning loop's thread.
 */
public interface Poller {

    /** Registers {@code fd} for {@code events} (epoll bits); readiness reports carry {@code token}. */
    void add(int fd, int events, long token);

    /** Changes the interest of a registered {@code fd}. */
    void modify(int fd, int events, long token);

    /** Unregisters {@code fd}; the descriptor itself is not closed. */
    void remove(int fd);

    /**
     * Waits for readiness. {@code timeoutNanos}: negative waits until something is ready, zero
     * checks without waiting, positive waits at most that long (nanosecond resolution where the
     * kernel offers it). Returns how many entries are ready, readable with {@link #readyEvents} and
     * {@link #readyToken}; an interrupted wait returns 0.
     */
    int waitFor(long timeoutNanos);

    /** The event bits of ready entry {@code i} of the last wait. */
    int readyEvents(int i);

    /** The token of ready entry {@code i} of the last wait. */
    long readyToken(int i);

    /** Releases the kernel object and native memory. */
    void close();
}
