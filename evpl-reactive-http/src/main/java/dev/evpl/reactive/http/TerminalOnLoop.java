package dev.evpl.reactive.http;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Waits for a publisher's end (a handler's {@code Publisher<Void>}, a send's completion), values
 * ignored, and reports it on the connection's loop: one small object per exchange instead of a
 * chain of lambdas. Signals may come from any thread.
 */
abstract class TerminalOnLoop<T> implements CoreSubscriber<T>, Runnable {
    private final ConnectionInput connection;
    private Throwable error;

    TerminalOnLoop(ConnectionInput connection) {
        this.connection = connection;
    }

    /** Loop: the publisher completed ({@code error} null) or failed. */
    abstract void terminated(Throwable error);

    @Override
    public final void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public final void onNext(T value) {
        // only the end matters
    }

    @Override
    public final void onError(Throwable t) {
        error = t;
        connection.onLoop(this);
    }

    @Override
    public final void onComplete() {
        connection.onLoop(this);
    }

    @Override
    public final void run() {
        terminated(error);
    }
}
