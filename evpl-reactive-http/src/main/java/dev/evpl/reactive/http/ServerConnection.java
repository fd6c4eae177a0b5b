package dev.evpl.reactive.http;

import dev.evpl.reactive.core.LoopTimer;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.buffer.Segment;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;

/**
 * One HTTP/1.x server connection over a {@link Bind}: reads with demand (one segment at a time, only
 * when the head parser or the request body's subscriber needs bytes), parses the head, runs the
 * handler, decodes the body into the request's stream, and writes the response through
 * {@link ResponseWriter}. Requests are served one after another, in order: the next pipelined
 * request is parsed once the current response is whole in the bind's send queue (its bytes need
 * not be written yet) and the current request's body was read, so the responses to requests that
 * arrived in one read leave in one gathering write per loop pass. At most
 * {@link #PIPELINE_BACKLOG} bytes of responses wait ahead of the socket that way; past it the next
 * request waits until the response is written. A protocol error is answered with its status and
 * {@code Connection: close}; only this connection is affected.
 *
 * <p>Loop-confined: every field is touched on {@link #loop} only; other threads hop through
 * {@link #onLoop}.
 */
final class ServerConnection extends ConnectionInput implements ServerExchange {
    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());
    private static final int HEAD = 0;
    private static final int EXCHANGE = 1;
    private static final int CLOSED = 2;
    /**
     * Unwritten response bytes up to which the next pipelined request is served as soon as the
     * current response is queued; beyond it the connection waits for the write, so a client that
     * pipelines without reading holds at most this much (and the write watchdog closes it).
     */
    static final int PIPELINE_BACKLOG = 256 << 10;

    final ServerSettings settings;
    private final HttpHandler handler;
    private final Consumer<ServerConnection> onClosed;
    private final RequestHeadParser parser;
    private final BodyDecoder decoder;
    final ResponseWriter writer;
    private final LoopTimer timer;

    private int state = HEAD;
    private ServerRequest request;
    private ServerResponse response;
    /** Whether the connection stays open after the exchange in progress (decided by {@link ResponseFraming} and errors). */
    private boolean keepAlive;
    /** The 100 Continue owed to the current request went out. */
    private boolean continueSent;
    private boolean handlerDone;
    private boolean responseDone;
    private boolean discarding;
    private long discardStart;
    private boolean shuttingDown;
    /**
     * When the head, idle or body timeout expires (loop clock), 0 for none. Timeouts are lazy: a request
     * only writes this field; the timer fires at the old deadline and re-arms itself if it moved,
     * so no timer-heap operation happens per request.
     */
    private long deadline;
    private final WriteWatchdog watchdog;

    ServerConnection(Bind bind, ServerSettings settings, HttpHandler handler, Consumer<ServerConnection> onClosed) {
        super(bind);
        this.settings = settings;
        this.handler = handler;
        this.onClosed = onClosed;
        this.parser = new RequestHeadParser(settings.maxTargetLength(), settings.maxHeaderSize());
        this.decoder = new BodyDecoder(settings.maxHeaderSize());
        this.writer = new ResponseWriter(this);
        this.timer = loop.timer(this::timeout);
        this.watchdog = new WriteWatchdog(bind, settings.writeTimeoutNanos());
    }

    /** Loop: starts reading. */
    void start() {
        bind.onClose().subscribe(null, e -> closed(), this::closed);
        armTimeout(settings.idleTimeoutNanos());
        bind.receive().subscribe(this);
    }

    @Override
    public boolean isCurrent(ServerRequest r) {
        return request == r && state == EXCHANGE;
    }

    @Override
    public dev.evpl.reactive.core.EventLoop loop() {
        return loop;
    }

    @Override
    public java.net.SocketAddress remoteAddress() {
        return bind.remoteAddress();
    }

    @Override
    public java.net.SocketAddress localAddress() {
        return bind.localAddress();
    }

    @Override
    public void writeResponse(ServerResponse r, ResponseBody body, ResponseSend sink) {
        writer.write(r, body, sink);
    }

    /** Whether the connection would stay open after the current exchange, as far as known so far. */
    boolean keepsAlive() {
        return keepAlive && !shuttingDown;
    }

    /** Whether {@code r} announced a body ({@code Expect: 100-continue}) that was never asked for. */
    boolean continuePending(ServerRequest r) {
        return r.expectContinue && !continueSent;
    }

    /** The connection closes once the current response is written. */
    void closeAfterResponse() {
        keepAlive = false;
    }

    // --- receive side ----------------------------------------------------------------------------

    @Override
    boolean isClosed() {
        return state == CLOSED;
    }

    @Override
    void inputFailed(Throwable t) {
        if (request != null) {
            request.failBody(t);
        }
        closeNow();
    }

    @Override
    void step() {
        if (state == HEAD) {
            readHead();
        } else if (state == EXCHANGE) {
            readBody();
        }
    }

    private void readHead() {
        if (input != null) {
            boolean started = parser.started();
            inputOffset = parser.feed(input, inputOffset);
            consumed();
            if (!started && parser.started()) {
                armTimeout(settings.readTimeoutNanos());
            }
            if (parser.isComplete()) {
                startExchange();
                again = true;
                return;
            }
        }
        if (input == null) {
            if (inputEnded || (shuttingDown && !parser.started())) {
                // Peer closed between requests (or inside a head: nothing to answer), or draining.
                finish();
                return;
            }
            requestRead();
        }
    }

    private void readBody() {
        if (decoder.isDone()) {
            deadline = 0; // the body is complete: no body timeout
            if (responseDone) {
                // Request read and response whole: nothing the handler still does can touch this
                // exchange, so the next one starts without waiting for its publisher to end.
                endExchange();
            }
            return;
        }
        if (!discarding && handlerDone && responseDone) {
            endExchange(); // the response is out but the body was not read: discard it or close
            return;
        }
        if (discarding && decoder.received() - discardStart > settings.maxDiscardBytes()) {
            keepAlive = false;
            finish();
            return;
        }
        boolean reading = discarding || (request.body.demand > 0 && !request.body.cancelled);
        if (!reading) {
            deadline = 0; // the handler not reading is not the client's delay
            return; // no demand: the socket is not read, the client's window closes
        }
        if (input == null) {
            if (inputEnded) {
                request.failBody(new HttpException(400, "connection closed before the request body was complete"));
                closeNow();
                return;
            }
            armTimeout(settings.bodyTimeoutNanos()); // a body byte must come within it
            requestRead();
            return;
        }
        inputOffset = decoder.decode(input, inputOffset);
        consumed();
        Segment data = decoder.takeData();
        if (data != null) {
            if (discarding || !request.body.hasSubscriber()) {
                data.release();
            } else {
                request.body.deliver(data);
            }
        }
        if (decoder.isDone() && !discarding) {
            request.body.complete(decoder.trailers());
        }
        again = true;
    }

    private void startExchange() {
        deadline = 0;
        watchdog.exchangeStarted(loop.clock().nanoTime());
        long check = watchdog.checkAt();
        if (!timer.isScheduled() || timer.deadlineNanos() - check > 0) {
            timer.scheduleAt(check);
        }
        request = new ServerRequest(this, parser);
        response = new ServerResponse(this, request);
        keepAlive = parser.keepAlive && !shuttingDown;
        continueSent = false;
        writer.newExchange();
        handlerDone = false;
        responseDone = false;
        discarding = false;
        if (parser.chunked) {
            decoder.startChunked();
        } else if (parser.contentLength > 0) {
            decoder.startLength(parser.contentLength);
        } else {
            decoder.startEmpty();
        }
        state = EXCHANGE;
        if (decoder.isDone() && request.body != null) {
            request.body.complete(decoder.trailers());
        }
        ServerRequest r = request;
        Publisher<Void> done;
        try {
            done = handler.handle(r, response);
        } catch (Throwable t) {
            handlerFailed(r, t);
            return;
        }
        done.subscribe(response); // it reports the end (a CoreSubscriber: no Flux wrapper, no object per request)
    }

    /** Loop: the body subscriber asked for more. */
    @Override
    public void bodyDemanded(ServerRequest r) {
        if (r != request || state != EXCHANGE) {
            return;
        }
        if (r.expectContinue && !continueSent && !writer.headWritten()) {
            continueSent = true;
            writer.sendContinue(r.version());
        }
        drive();
    }

    /** Loop: the handler's publisher for {@code r} completed. */
    @Override
    public void handlerCompleted(ServerRequest r) {
        if (r != request || state != EXCHANGE) {
            return;
        }
        handlerDone = true;
        if (!response.isCommitted()) {
            response.send().subscribe(null, e -> { });
        }
        drive();
    }

    /** Loop: the handler for {@code r} failed (threw, or its publisher signalled an error). */
    @Override
    public void handlerFailed(ServerRequest r, Throwable e) {
        if (r != request || state != EXCHANGE) {
            if (r.ended) {
                // Its response went out whole and the exchange ended: nothing left to answer with.
                LOG.log(System.Logger.Level.WARNING, "handler failed after its response was sent, on " + r, e);
            }
            return;
        }
        // An HttpException is the request's own fault (its body failed to decode or stalled, or the
        // handler refused it): the client hears that status and reason. Anything else is a 500.
        boolean clientError = e instanceof HttpException h && h.status() >= 400 && h.status() < 500;
        if (!clientError) {
            LOG.log(System.Logger.Level.WARNING, "handler failed on " + r + " from " + bind.remoteAddress(), e);
        }
        handlerDone = true;
        if (response.tryCommit()) {
            keepAlive = false;
            if (clientError) {
                writer.writeError(r.version(), ((HttpException) e).status(), e.getMessage());
            } else {
                writer.writeError(r.version(), 500, "internal server error");
            }
            responseDone = true;
            drive();
        } else {
            closeNow(); // the head is out: a truncated response is the only honest signal left
        }
    }

    /**
     * Loop: the whole response of {@code r} is in the bind's send queue, behind every earlier
     * response. The exchange may end now (pipelining), unless too much waits unwritten already.
     */
    void responseQueued(ServerRequest r) {
        if (r == request && state == EXCHANGE && bind.sendBacklog() <= PIPELINE_BACKLOG) {
            responseWritten(r);
        }
    }

    /** Loop: the response of {@code r} was fully written (or queued, from {@link #responseQueued}). */
    @Override
    public void responseWritten(ServerRequest r) {
        if (r != request || state != EXCHANGE || responseDone) {
            return;
        }
        responseDone = true;
        if (r.expectContinue && !continueSent) {
            keepAlive = false; // the client may or may not send the body it announced
        }
        drive();
    }

    /** Loop: the response could not be written (connection lost, body failed after the head). */
    @Override
    public void responseFailed(ServerRequest r, Throwable e) {
        if (r == request && state == EXCHANGE) {
            closeNow();
        }
    }

    private void endExchange() {
        ServerRequest r = request;
        if (!decoder.isDone()) {
            boolean announcedNotSent = r.expectContinue && !continueSent;
            if (keepAlive && !announcedNotSent) {
                if (!discarding) {
                    discarding = true;
                    discardStart = decoder.received();
                    r.failBody(new IllegalStateException("the exchange ended before the request body was read"));
                }
                again = true;
                return;
            }
            finish();
            return;
        }
        r.ended = true;
        request = null;
        response = null;
        discarding = false;
        if (!keepAlive || shuttingDown) {
            finish();
            return;
        }
        parser.reset();
        state = HEAD;
        armTimeout(settings.idleTimeoutNanos());
        again = true;
    }

    @Override
    void protocolError(HttpException e) {
        if (state == CLOSED) {
            return;
        }
        ServerRequest r = request;
        if (r != null) {
            r.failBody(e);
            if (state == CLOSED) {
                return;
            }
            if (handlerDone && responseDone) {
                // The handler answered already (failing on the body error, its 4xx went out, or its
                // response was complete): no second response; close once that one is written.
                keepAlive = false;
                finish();
                return;
            }
        }
        HttpVersion version = parser.version != null ? parser.version : HttpVersion.HTTP_1_1;
        // A handler may have committed a streamed response whose head is not out yet (it waits for
        // the first body segment, which now never comes): the error response can still go first.
        if (response == null || response.tryCommit() || !writer.headWritten()) {
            writer.headWrittenNow();
            writer.writeError(version, e.status(), e.getMessage());
            finish();
        } else {
            closeNow();
        }
    }

    private void armTimeout(long timeoutNanos) {
        deadline = loop.clock().nanoTime() + timeoutNanos;
        if (!timer.isScheduled() || timer.deadlineNanos() - deadline > 0) {
            timer.scheduleAt(deadline);
        }
    }

    private void timeout() {
        long now = loop.clock().nanoTime();
        if (watchdog.stalled(now, state == EXCHANGE && !responseDone)) {
            // Response bytes queued and none left for a whole writeTimeout: the client does not
            // read. Closing frees what the responses hold.
            closeNow();
            return;
        }
        if (deadline != 0 && now - deadline >= 0) {
            deadline = 0;
            if (state == HEAD) {
                if (parser.started()) {
                    protocolError(new HttpException(408, "request head not received within "
                            + TimeUnit.NANOSECONDS.toMillis(settings.readTimeoutNanos()) + " ms"));
                } else {
                    finish(); // idle persistent connection
                }
                return;
            }
            if (state == EXCHANGE) {
                protocolError(new HttpException(408, "request body stalled: no byte received within "
                        + TimeUnit.NANOSECONDS.toMillis(settings.bodyTimeoutNanos()) + " ms"));
                return;
            }
        }
        // Lazy re-arm: activity moved a deadline since the timer was set, or the watchdog goes on.
        long next = deadline;
        long check = watchdog.checkAt();
        if (check != 0 && (next == 0 || check - next < 0)) {
            next = check;
        }
        if (next != 0 && state != CLOSED) {
            timer.scheduleAt(next);
        }
    }

    /** Loop: graceful shutdown: close now when idle, else after the current exchange. */
    void shutdown() {
        shuttingDown = true;
        keepAlive = false;
        if (state == HEAD && !parser.started() && input == null) {
            finish();
        }
    }

    /** Stops reading and closes once what was queued is written. */
    private void finish() {
        if (state == CLOSED) {
            return;
        }
        stopReading();
        bind.finish().subscribe(null, e -> { });
    }

    /** Closes at once (pending writes are dropped). */
    void closeNow() {
        if (state == CLOSED) {
            return;
        }
        stopReading();
        bind.close();
    }

    private void stopReading() {
        state = CLOSED;
        timer.cancel();
        stopInput();
        decoder.close();
        if (request != null) {
            request.failBody(new IllegalStateException("connection closed"));
        }
    }

    private void closed() {
        onLoop(() -> {
            if (state != CLOSED) {
                stopReading();
            }
            onClosed.accept(this);
        });
    }
}
