package dev.evpl.reactive.core;

/**
 * A callback run once at the end of the current loop pass (libevpl's deferrals), created by
 * {@link EventLoop#deferral(Runnable)}. Used to batch work: many events in one pass arm the same
 * deferral, and it runs once (one flush per connection per pass, one ring submit per pass).
 *
 * <p>Arming an armed deferral does nothing more (one call); arming it inside its own callback gives
 * another call in the next pass; cancelling an armed deferral prevents the call; cancelling an idle
 * one does nothing.
 *
 * <p>Thread-safety: loop-confined; call every method on the loop's thread.
 */
public final class Deferral {
    private final EventLoop loop;
    private final Runnable callback;
    boolean armed;
    /** In the loop's list of deferrals to visit this pass (may be disarmed meanwhile). */
    boolean queued;

    Deferral(EventLoop loop, Runnable callback) {
        this.loop = loop;
        this.callback = callback;
    }

    /** Arms the deferral: its callback runs at the end of this pass (or the next, if running now). */
    public void arm() {
        loop.checkInLoop("Deferral.arm");
        armed = true;
        if (!queued) {
            queued = true;
            loop.enqueueDeferral(this);
        }
    }

    /** Cancels the pending call, if any. */
    public void cancel() {
        loop.checkInLoop("Deferral.cancel");
        armed = false;
    }

    /** Whether a call is pending. */
    public boolean isArmed() {
        return armed;
    }

    void run() {
        callback.run();
    }
}
