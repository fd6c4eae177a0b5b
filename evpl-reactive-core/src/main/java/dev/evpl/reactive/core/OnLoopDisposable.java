package dev.evpl.reactive.core;

import reactor.core.Disposable;

/** A handle whose dispose runs once, on the loop thread (loop-confined, like what it removes). */
final class OnLoopDisposable implements Disposable {
    private final EventLoop loop;
    private final Runnable onDispose;
    private boolean disposed;

    OnLoopDisposable(EventLoop loop, Runnable onDispose) {
        this.loop = loop;
        this.onDispose = onDispose;
    }

    @Override
    public void dispose() {
        loop.checkInLoop("dispose");
        if (!disposed) {
            disposed = true;
            onDispose.run();
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }
}
