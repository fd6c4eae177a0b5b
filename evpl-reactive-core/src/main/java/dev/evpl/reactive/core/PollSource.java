package dev.evpl.reactive.core;

/**
 * A completion source that a loop polls while it is in polling mode (libevpl's poll callbacks):
 * memory another agent writes (a device queue, a shared-memory ring) that can be read without a
 * system call. The loop's own io_uring ring needs none: its I/O handler reaps it every pass.
 *
 * <p>The loop enters polling mode when a source reports activity through
 * {@link EventLoop#reportActivity()} (or while a {@linkplain EventLoop#pin() pin} is held) and
 * leaves it after the {@linkplain LoopConfig#spin() spin window} passes with no activity. All
 * methods are called on the loop thread and must not block.
 */
public interface PollSource {

    /** The loop is entering polling mode (for example: stop asking the kernel for wake-ups). */
    default void enter() {
    }

    /**
     * One poll, made every pass while polling. Returns the amount of work done (0 when nothing was
     * there); sources that found work should also call {@link EventLoop#reportActivity()}.
     */
    int poll();

    /** The loop is leaving polling mode and will sleep in the kernel next (re-arm wake-ups here). */
    default void exit() {
    }
}
