package dev.evpl.reactive.http;

import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.internal.bind.SendCallback;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * One send of a server response as one object: the {@code Mono<Void>} a {@code send…} method
 * returns, the subscription its subscriber gets, the task that hands the body to the loop, and the
 * subscriber of the bind's completion that ends the response's write (or the callback of the bind's
 * send queue, for a response in one segment). A response is sent once, so
 * this replaces a chain of five objects on every request's path. The first subscriber commits the
 * response (atomically: the connection's own error response and the handler's cannot both go out);
 * a later one hears that it was already sent.
 *
 * <p>Threads: subscribed on any thread; the write and its completion run on the connection's loop
 * ({@link #writing} is loop-confined); the subscriber hears the outcome once.
 */
final class ResponseSend extends Mono<Void> implements Subscription, Runnable, CoreSubscriber<Completion>, SendCallback {
    private static final AtomicIntegerFieldUpdater<ResponseSend> SUBSCRIBED =
            AtomicIntegerFieldUpdater.newUpdater(ResponseSend.class, "subscribed");

    private final ServerResponse response;
    private final ServerExchange exchange;
    private ResponseBody body;
    private CoreSubscriber<? super Void> actual;
    private volatile int subscribed;
    private volatile boolean done;
    /** Loop: the body went to the writer; the next {@link #run} reports the end of the write. */
    private boolean writing;
    private Throwable failure;

    ResponseSend(ServerResponse response, ServerExchange exchange, ResponseBody body) {
        this.response = response;
        this.exchange = exchange;
        this.body = body;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
            Operators.error(actual, new IllegalStateException("the response was already sent (one send per response)"));
            return;
        }
        this.actual = actual;
        actual.onSubscribe(this);
        if (!response.tryCommit()) {
            // The body publisher is not subscribed: a cold publisher has produced no segment to release.
            failed(new IllegalStateException("the response was already sent (one send per response)"));
            return;
        }
        if (body instanceof ResponseBody.Stream stream && !exchange.loop().inLoop()) {
            // A streamed body sent from another thread gets its demand now, not after the hop.
            body = new ResponseBody.Stream(new EagerBody(stream.segments(), 32));
        }
        if (!exchange.onLoop(this)) {
            body.discardUnsent();
            failed(new IllegalStateException("the connection's event loop is gone; the response was not sent"));
        }
    }

    /** Loop: first the write of the body, then (after the bind's completion) the report of its end. */
    @Override
    public void run() {
        if (!writing) {
            writing = true; // before the write: its completion may come back inline
            ResponseBody b = body;
            body = null;
            exchange.writeResponse(response, b, this);
            return;
        }
        Throwable e = failure;
        if (e == null) {
            sent();
            exchange.responseWritten(response.request);
        } else {
            failed(e);
            exchange.responseFailed(response.request, e);
        }
    }

    // --- the handler's subscription ------------------------------------------------------------

    @Override
    public void request(long n) {
        // a Mono<Void> emits no value: demand is irrelevant
    }

    @Override
    public void cancel() {
        // the response is committed: writing it goes on (cancelling cannot unsend bytes)
    }

    /** The response was written. Any thread; once. */
    void sent() {
        if (!done) {
            done = true;
            actual.onComplete();
        }
    }

    /** The response could not be sent. Any thread; once. */
    void failed(Throwable e) {
        if (!done) {
            done = true;
            actual.onError(e);
        }
    }

    // --- the bind's completion of the write (subscribed by the writer) -------------------------

    @Override
    public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Completion completion) {
        // only the end matters
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
        exchange.onLoop(this);
    }

    @Override
    public void onComplete() {
        exchange.onLoop(this);
    }

    // --- the bind's send queue (a whole response in one segment) --------------------------------

    @Override
    public void written(int bytes) {
        exchange.onLoop(this);
    }

    @Override
    public void fail(Throwable cause) {
        failure = cause;
        exchange.onLoop(this);
    }
}
