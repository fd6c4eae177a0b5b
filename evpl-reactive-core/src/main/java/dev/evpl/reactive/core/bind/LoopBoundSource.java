package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.Doorbell;
import dev.evpl.reactive.core.EventLoop;

/**
 * The loop-hopping half of a {@link ReceiveSource} every bind shares: run-on-loop, and a lazily
 * created doorbell that turns credit arriving from another thread into {@code resumeReading()}
 * without allocating.
 */
abstract class LoopBoundSource implements ReceiveSource {
    final EventLoop loop;
    private volatile Doorbell demandBell;

    LoopBoundSource(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public final EventLoop loop() {
        return loop;
    }

    @Override
    public final void onLoop(Runnable action) {
        loop.execute(action); // refused only when the loop is gone: its close hook already closed this bind
    }

    @Override
    public final void demandFromAnotherThread() {
        Doorbell bell = demandBell;
        if (bell == null) {
            synchronized (this) {
                bell = demandBell;
                if (bell == null) {
                    demandBell = bell = loop.doorbell(this::resumeReading);
                }
            }
        }
        bell.ring();
    }

    /** Loop, on close: later rings do nothing. */
    final void closeDemandBell() {
        Doorbell bell = demandBell;
        if (bell != null) {
            bell.close();
        }
    }
}
