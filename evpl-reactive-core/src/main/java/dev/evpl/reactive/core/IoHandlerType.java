package dev.evpl.reactive.core;

/**
 * Which kernel interface a loop waits in ({@link LoopConfig#ioHandler()}). Descriptors on epoll
 * (sockets of the epoll transports, {@link EventLoop#addFd}) work under every type; so do io_uring
 * operations (io_uring transports, block I/O) wherever io_uring is available.
 */
public enum IoHandlerType {
    /**
     * The loop waits in epoll. Once a transport uses the loop's io_uring ring, the ring signals an
     * eventfd in the epoll set and its completions are reaped in the same pass: two system calls
     * per woken pass (the wait, the ring's submit) instead of one.
     */
    EPOLL,
    /**
     * The loop's io_uring ring is created with the loop and does every wait: one
     * {@code io_uring_enter} per pass submits, runs completion work and waits, the epoll set being
     * one of the ring's polled files. Creating the loop fails when io_uring is unavailable.
     */
    IO_URING,
    /**
     * The default: {@link #EPOLL} until a transport first uses the loop's ring, then
     * {@link #IO_URING} (the switch happens on the loop thread between two operations of a pass).
     * A loop that never touches io_uring never creates a ring.
     */
    AUTO
}
