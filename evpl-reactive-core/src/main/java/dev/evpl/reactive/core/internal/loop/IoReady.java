package dev.evpl.reactive.core.internal.loop;

/** Where an {@link IoHandler} reports a registered descriptor's readiness. Loop thread. */
@FunctionalInterface
public interface IoReady {
    /** {@code token} (as registered) became ready with epoll {@code events}. */
    void ready(long token, int events);
}
