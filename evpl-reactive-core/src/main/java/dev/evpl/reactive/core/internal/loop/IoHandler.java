package dev.evpl.reactive.core.internal.loop;

/**
 * The one kernel-facing part of an event loop: where it waits, how it is woken, where descriptors
 * are registered for readiness, and how ready I/O reaches the loop. A loop owns exactly one,
 * chosen by {@code LoopConfig.ioHandler}: {@link EpollIoHandler}, or the io_uring handler, which
 * waits on its ring and polls the epoll set through it.
 *
 * <p>A pass calls {@link #await} (unless it is a polling pass that skips the kernel), then
 * {@link #process} once: every handler delivers its I/O at that one point of the pass, before the
 * loop's hand-overs, timers and tasks, whatever the wait mode.
 *
 * <p>Thread-safety: confined to the loop's thread, except {@link #wakeup()}.
 */
public interface IoHandler {

    /** Registers {@code fd} for readiness {@code events} (epoll bits), reported with {@code token}. */
    void register(int fd, int events, long token);

    /** Changes the interest of a registered {@code fd}. */
    void modify(int fd, int events, long token);

    /** Unregisters {@code fd}; the descriptor itself is not closed. */
    void cancel(int fd);

    /**
     * Waits in the kernel: {@code timeoutNanos} negative until woken, zero only checks, positive at
     * most that long. Delivers nothing (no callback runs): {@link #process} does. Returns a count of
     * what the kernel reported (a hint for metrics); an interrupted wait returns 0.
     */
    int await(long timeoutNanos);

    /**
     * Delivers what is ready: readiness of registered descriptors to {@code ready} (which only
     * latches them), and completions (whose callbacks run here). Called once per pass, also on
     * polling passes that skipped {@link #await}, where it looks at memory only (a ring's completion
     * queue). Returns the work found.
     */
    int process(IoReady ready);

    /** Whether {@link #process} can find work without a kernel wait (a completion queue), so spinning pays. */
    boolean pollable();

    /** Ends a {@link #await} in progress or the next one. Any thread; one system call. */
    void wakeup();

    /** Releases the kernel objects and native memory. Loop thread, after the last pass. */
    void close();
}
