package dev.evpl.reactive.core.internal.loop;

import java.util.function.Consumer;
import reactor.core.scheduler.Scheduler;

/**
 * What transports inside the library reach on a loop that is not the loop's public API: its I/O
 * handler (the epoll base, and the switch to the io_uring one), the I/O counters. {@code EventLoop}
 * installs the one implementation when its class initializes (whoever holds a loop finds it set);
 * the members it reaches stay package-private, so applications do not see them.
 *
 * <p>A loop is named here by the Reactor {@link Scheduler} interface it implements, not by
 * {@code EventLoop}: this package sits below the loop's API package and must not depend on it
 * (no package cycles). Every method is given an {@code EventLoop}; anything else fails with a
 * {@link ClassCastException}.
 */
public abstract class LoopAccess {
    private static volatile LoopAccess instance;
    private static volatile Consumer<Scheduler> ringStarter;
    /** The class whose initializer installs {@link #ringStarter}: the io_uring ring of a loop. */
    private static final String RING_CLASS = "dev.evpl.reactive.core.internal.uring.LoopRing";

    /** Called once, by {@code EventLoop}'s class initializer. */
    public static void install(LoopAccess access) {
        if (instance != null) {
            throw new IllegalStateException("LoopAccess is installed already");
        }
        instance = access;
    }

    /** The implementation; set for as long as any {@code EventLoop} exists. */
    public static LoopAccess get() {
        return instance;
    }

    /** Called once, by the ring's class initializer: how a loop whose handler is IO_URING gets its ring. */
    public static void installRingStarter(Consumer<Scheduler> starter) {
        ringStarter = starter;
    }

    /** Creates {@code loop}'s io_uring ring now, which makes it the loop's I/O handler. Loop thread. */
    public static void startRing(Scheduler loop) {
        Consumer<Scheduler> starter = ringStarter;
        if (starter == null) {
            try {
                Class.forName(RING_CLASS, true, LoopAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("the io_uring ring class is missing from this build", e);
            }
            starter = ringStarter;
        }
        starter.accept(loop);
    }

    /** The epoll set and wake-up of {@code loop}, which an io_uring handler wraps. */
    public abstract EpollIoHandler epoll(Scheduler loop);

    /** Makes {@code handler} the loop's I/O handler from the next wait on. Loop thread. */
    public abstract void useIoHandler(Scheduler loop, IoHandler handler);

    /** The loop's current I/O handler. */
    public abstract IoHandler ioHandler(Scheduler loop);

    /** The counters transports add to (loop thread only). */
    public abstract IoCounters ioCounters(Scheduler loop);
}
