package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.buffer.Segment;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * The receive side both HTTP connections share: a subscriber to the bind's bytes that reads one
 * segment per {@code request(1)}, only when the state machine asks ({@link #requestRead()}), keeps
 * the unconsumed rest in {@link #input} from {@link #inputOffset}, and runs the state machine
 * ({@link #step()}) until it needs bytes, demand or the application; re-entrant calls loop instead
 * of recursing. Loop-confined.
 */
abstract class ConnectionInput implements CoreSubscriber<Segment> {
    final Bind bind;

    /** The TLS session of the connection; null over plain TCP (a {@link ServerExchange} view). */
    public javax.net.ssl.SSLSession sslSession() {
        return bind instanceof dev.evpl.reactive.core.tls.SecureBind s ? s.session() : null;
    }
    final EventLoop loop;
    private Subscription upstream;
    private boolean readPending;
    /** The peer closed its side (or the connection failed): no more bytes will come. */
    boolean inputEnded;
    /** Received bytes not consumed yet (a pipelined message, the rest of a body). */
    Segment input;
    int inputOffset;
    private boolean driving;
    /** Set by a step that changed something: the machine runs another step. */
    boolean again;

    ConnectionInput(Bind bind) {
        this.bind = bind;
        this.loop = bind.loop();
    }

    /** Whether the connection is closed (received bytes are then dropped). */
    abstract boolean isClosed();

    /** One step of the state machine; set {@link #again} to run another. */
    abstract void step();

    /** A protocol error thrown by a step. */
    abstract void protocolError(HttpException e);

    /** The connection failed while reading. */
    abstract void inputFailed(Throwable t);

    /** Runs {@code action} on the loop (now when already there); false, closing the bind, when the loop is gone. */
    public boolean onLoop(Runnable action) { // public: it implements ServerExchange's for the server
        if (!loop.execute(action)) {
            bind.close();
            return false;
        }
        return true;
    }

    @Override
    public final void onSubscribe(Subscription s) {
        upstream = s;
        drive();
    }

    @Override
    public final void onNext(Segment segment) {
        readPending = false;
        if (isClosed()) {
            segment.release();
            return;
        }
        input = segment;
        inputOffset = 0;
        drive();
    }

    @Override
    public final void onError(Throwable t) {
        readPending = false;
        inputEnded = true;
        inputFailed(t);
    }

    @Override
    public final void onComplete() {
        readPending = false;
        inputEnded = true;
        drive();
    }

    /** Asks the bind for one more segment (at most one read outstanding). */
    final void requestRead() {
        if (!readPending && !inputEnded && upstream != null) {
            readPending = true;
            upstream.request(1);
        }
    }

    /** Releases {@link #input} once every byte of it was consumed. */
    final void consumed() {
        if (input != null && inputOffset >= input.readableBytes()) {
            input.release();
            input = null;
        }
    }

    /** Stops reading and drops what was received but not consumed. */
    final void stopInput() {
        if (input != null) {
            input.release();
            input = null;
        }
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }

    /** Runs the state machine until it waits; a step's {@link HttpException} becomes {@link #protocolError}. */
    final void drive() {
        if (driving) {
            again = true;
            return;
        }
        driving = true;
        try {
            do {
                again = false;
                step();
            } while (again && !isClosed());
        } catch (HttpException e) {
            protocolError(e);
        } finally {
            driving = false;
        }
    }
}
