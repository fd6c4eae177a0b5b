package dev.evpl.reactive.core.internal.loop;

import dev.evpl.reactive.core.EventLoop;

/**
 * What transports inside the library reach on a loop that is not the loop's public API: the kernel
 * wait hand-over of an io_uring ring, the epoll descriptor, the I/O counters. {@link EventLoop}
 * installs the one implementation when its class initializes (whoever holds a loop finds it set);
 * the methods on {@code EventLoop} stay package-private, so applications do not see them.
 */
public abstract class LoopAccess {
    private static volatile LoopAccess instance;

    /** Called once, by {@link EventLoop}'s class initializer. */
    public static void install(LoopAccess access) {
        if (instance != null) {
            throw new IllegalStateException("LoopAccess is installed already");
        }
        instance = access;
    }

    /** The implementation; set for as long as any {@link EventLoop} exists. */
    public static LoopAccess get() {
        return instance;
    }

    /** Hands the loop's kernel wait to an io_uring ring (null gives it back to epoll). Loop thread. */
    public abstract void ringWait(EventLoop loop, RingWait wait);

    /** The epoll descriptor the loop waits on (for a ring that polls it). */
    public abstract int epollFd(EventLoop loop);

    /** The counters transports add to (loop thread only). */
    public abstract IoCounters ioCounters(EventLoop loop);
}
