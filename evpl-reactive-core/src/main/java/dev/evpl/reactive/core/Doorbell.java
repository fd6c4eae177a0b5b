package dev.evpl.reactive.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A cross-thread signal to one loop (libevpl's doorbells), created by
 * {@link EventLoop#doorbell(Runnable)}: any thread may {@link #ring()}; the loop wakes, whether it
 * sleeps in the kernel or polls, and runs the callback on its thread.
 *
 * <p>Rings coalesce: several rings before the loop gets to the doorbell give one call. The flag is
 * cleared before the callback runs, so a ring that comes while the callback runs gives another
 * call; the usual pattern is "enqueue work, ring; the callback drains the queue". A ring allocates
 * nothing and makes at most one {@code eventfd} write, only when the loop is asleep.
 *
 * <p>Thread-safety: {@link #ring()} and {@link #close()} from any thread; the callback runs on the
 * loop thread and may close its own doorbell.
 */
public final class Doorbell extends LoopNode {
    private static final VarHandle RUNG;

    static {
        try {
            RUNG = MethodHandles.lookup().findVarHandle(Doorbell.class, "rung", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventLoop loop;
    private final Runnable callback;
    private volatile int rung;
    private volatile boolean closed;

    Doorbell(EventLoop loop, Runnable callback) {
        this.loop = loop;
        this.callback = callback;
    }

    /** Rings: the callback will run on the loop (once for any number of rings before it runs). */
    public void ring() {
        if (!closed && rung == 0 && RUNG.compareAndSet(this, 0, 1)) {
            loop.pushRemote(this);
        }
    }

    /** Removes the doorbell: later rings do nothing and a pending call is dropped. */
    public void close() {
        closed = true;
    }

    /** Whether {@link #close()} was called (or the loop was closed). */
    public boolean isClosed() {
        return closed;
    }

    @Override
    void runOnLoop() {
        rung = 0;
        if (!closed) {
            callback.run();
        }
    }
}
