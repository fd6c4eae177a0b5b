package dev.evpl.reactive.core;

/** Points in a loop pass where {@linkplain EventLoop#addHook hooks} run, on the loop thread. */
public enum LoopHook {
    /** Right before the loop waits in the kernel (also before a zero-timeout check). */
    BEFORE_WAIT,
    /** Right after the kernel wait returned, before any event is handled. */
    AFTER_WAIT,
    /** At the end of every pass, after deferrals. */
    ITERATION_END
}
