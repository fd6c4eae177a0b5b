package dev.evpl.reactive.core;

import java.util.Arrays;
import reactor.core.Disposable;

/**
 * Per-point hook arrays, copy-on-write so a hook may remove itself (or add others) while the
 * hooks of its point run: the running pass iterates the array it started with. Loop-confined.
 */
final class HookList {
    private static final Runnable[] NONE = new Runnable[0];
    /** Index of the close hooks, after the {@link LoopHook} points. */
    static final int CLOSE = 3;
    private final Runnable[][] byPoint = {NONE, NONE, NONE, NONE};
    private final EventLoop loop;

    HookList(EventLoop loop) {
        this.loop = loop;
    }

    Disposable add(int p, Runnable hook) {
        Runnable[] old = byPoint[p];
        Runnable[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = hook;
        byPoint[p] = grown;
        return new Disposable() {
            private boolean disposed;

            @Override
            public void dispose() {
                loop.checkInLoop("hook dispose");
                if (!disposed) {
                    disposed = true;
                    remove(p, hook);
                }
            }

            @Override
            public boolean isDisposed() {
                return disposed;
            }
        };
    }

    private void remove(int p, Runnable hook) {
        Runnable[] old = byPoint[p];
        for (int i = 0; i < old.length; i++) {
            if (old[i] == hook) {
                Runnable[] shrunk = new Runnable[old.length - 1];
                System.arraycopy(old, 0, shrunk, 0, i);
                System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                byPoint[p] = shrunk.length == 0 ? NONE : shrunk;
                return;
            }
        }
    }

    void run(int point) {
        Runnable[] hooks = byPoint[point];
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (Throwable t) {
                loop.reportTaskError(t);
            }
        }
    }

    /** Runs and forgets every hook of {@code point} (close hooks). */
    void runOnceAndClear(int point) {
        run(point);
        byPoint[point] = NONE;
    }
}
