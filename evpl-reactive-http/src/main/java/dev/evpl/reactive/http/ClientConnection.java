package dev.evpl.reactive.http;

import dev.evpl.reactive.core.LoopTimer;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.buffer.Segment;
import java.util.concurrent.TimeUnit;

/**
 * One pooled HTTP/1.1 client connection: writes a request ({@link ClientRequest}), parses the
 * response head (skipping interim 1xx), and streams the body with demand, then goes back to its
 * {@link ClientPool} when the response allows reuse. While idle in the pool it keeps one read posted,
 * so a connection the server closed is noticed and never reused.
 *
 * <p>Loop-confined; other threads hop through {@link #onLoop}.
 */
final class ClientConnection extends ConnectionInput {
    private static final int IDLE = 0;
    private static final int HEAD = 1;
    private static final int BODY = 2;
    private static final int CLOSED = 3;

    private final ClientPool pool;
    private final ResponseHeadParser parser;
    private final BodyDecoder decoder;
    private final HeadEncoder encoder = new HeadEncoder();
    private final LoopTimer timer;
    final long createdNanos;
    long idleSinceNanos;
    /** Served a request before (a failure before any response byte may then be retried). */
    boolean reused;

    private int state = IDLE;
    private ClientRequest request;
    private ClientResponse response;
    private boolean keepAlive;
    private boolean requestSent;
    private boolean anyResponseByte;

    ClientConnection(Bind bind, ClientPool pool) {
        super(bind);
        this.pool = pool;
        this.parser = new ResponseHeadParser(pool.settings.maxHeaderSize());
        this.decoder = new BodyDecoder(pool.settings.maxHeaderSize());
        this.timer = loop.timer(this::responseTimeout);
        this.createdNanos = loop.clock().nanoTime();
    }

    void start() {
        bind.onClose().subscribe(null, e -> onLoop(() -> lost(e)), () -> onLoop(() -> lost(null)));
        bind.receive().subscribe(this);
    }

    boolean isOpen() {
        return state != CLOSED;
    }

    /** Loop: sends {@code r}; its sink gets the response once the head arrived. */
    void exchange(ClientRequest r) {
        request = r;
        r.connection = this;
        response = null;
        state = HEAD;
        parser.reset();
        requestSent = false;
        anyResponseByte = false;
        if (pool.settings.responseTimeoutNanos() > 0) {
            timer.schedule(pool.settings.responseTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
        bind.send(r.encode(encoder, loop)).subscribe(
                done -> onLoop(() -> requestWritten(r)),
                e -> onLoop(() -> requestFailed(r, e)));
        drive();
    }

    private void requestWritten(ClientRequest r) {
        if (r == request) {
            requestSent = true;
            maybeRelease();
        }
    }

    private void requestFailed(ClientRequest r, Throwable e) {
        if (r == request && state != CLOSED) {
            fail(new HttpException(0, "request to " + r.endpoint() + " failed while sending: " + e.getMessage()));
        }
    }

    @Override
    boolean isClosed() {
        return state == CLOSED;
    }

    @Override
    void inputFailed(Throwable t) {
        drive(); // the states below turn the ended input into the right error
    }

    @Override
    void protocolError(HttpException e) {
        fail(e);
    }

    @Override
    void step() {
        switch (state) {
            case IDLE -> idle();
            case HEAD -> readHead();
            case BODY -> readBody();
            default -> { }
        }
    }

    private void idle() {
        if (input != null) {
            close(); // bytes nobody asked for: the connection is not in a known state
        } else if (inputEnded) {
            close(); // the server closed the idle connection: never reuse it
        } else {
            requestRead();
        }
    }

    private void readHead() {
        if (input != null) {
            anyResponseByte = true;
            inputOffset = parser.feed(input, inputOffset);
            consumed();
            if (parser.isComplete()) {
                if (parser.status < 200 && parser.status != 101) {
                    parser.reset(); // interim response (100 Continue, 103 Early Hints): skipped
                } else {
                    startBody();
                }
                again = true;
                return;
            }
        }
        if (input == null) {
            if (inputEnded) {
                fail(new HttpException(0, "connection to " + request.endpoint() + " closed before the response head"
                        + (parser.started() ? " was complete" : "")));
                return;
            }
            requestRead();
        }
    }

    private void startBody() {
        timer.cancel();
        HttpHeaders h = parser.headers;
        boolean closeDelimited = false;
        if (request.method().equals(HttpMethods.HEAD) || parser.status == 204 || parser.status == 304) {
            decoder.startEmpty();
        } else if (h.contains("Transfer-Encoding")) {
            String te = String.join(",", h.getAll("Transfer-Encoding")).trim();
            int comma = te.lastIndexOf(',');
            String last = (comma < 0 ? te : te.substring(comma + 1)).trim();
            if (last.equalsIgnoreCase("chunked")) {
                decoder.startChunked();
            } else {
                decoder.startUntilClose();
                closeDelimited = true;
            }
        } else if (h.contains("Content-Length")) {
            decoder.startLength(contentLength(h));
        } else {
            decoder.startUntilClose();
            closeDelimited = true;
        }
        keepAlive = !closeDelimited && (parser.version == HttpVersion.HTTP_1_1
                ? !h.containsToken("Connection", "close") : h.containsToken("Connection", "keep-alive"));
        ClientResponse r = new ClientResponse(this, parser);
        response = r; // only now: a framing error above fails the request, not a body
        state = BODY;
        ClientRequest req = request;
        if (decoder.isDone()) {
            r.body.complete(decoder.trailers());
        }
        if (req.cancelled) {
            // The caller is gone (its cancel ran on this loop already): nobody will read the body.
            // Drained, the connection goes back to the pool; left alone, it would stay busy forever.
            HttpClient.drainUnwanted(r);
        } else {
            req.sink.success(r); // a cancel racing this: the response is discarded or dropped, and drained then
        }
        if (decoder.isDone()) {
            bodyDone();
        }
    }

    private static long contentLength(HttpHeaders h) {
        long value = -1;
        for (String v : h.getAll("Content-Length")) {
            for (String part : v.split(",")) {
                String p = part.trim();
                long n;
                try {
                    n = p.isEmpty() || p.length() > 18 || !p.chars().allMatch(Character::isDigit) ? -1 : Long.parseLong(p);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0 || (value >= 0 && n != value)) {
                    throw new HttpException(0, "malformed response: invalid or conflicting Content-Length '" + v + "'");
                }
                value = n;
            }
        }
        return value;
    }

    private void readBody() {
        ClientResponse r = response;
        if (decoder.isDone()) {
            return;
        }
        if (r.body.cancelled || r.body.demand == 0) {
            return; // no demand: nothing read, the server's window closes
        }
        if (input == null) {
            if (inputEnded) {
                if (decoder.endOfInput()) {
                    r.body.complete(decoder.trailers());
                    bodyDone();
                } else {
                    fail(new HttpException(0, "connection lost during the response body after " + decoder.received() + " bytes"));
                }
                return;
            }
            requestRead();
            return;
        }
        inputOffset = decoder.decode(input, inputOffset);
        consumed();
        Segment data = decoder.takeData();
        if (data != null) {
            if (r.body.hasSubscriber()) {
                r.body.deliver(data);
            } else {
                data.release();
            }
        }
        if (decoder.isDone()) {
            r.body.complete(decoder.trailers());
            bodyDone();
        }
        again = true;
    }

    private void bodyDone() {
        if (input != null) {
            keepAlive = false; // bytes after the response: the server is out of step
        }
        maybeRelease();
    }

    /** Back to the pool once both the request was written and the response body ended. */
    private void maybeRelease() {
        if (state != BODY || !decoder.isDone() || !requestSent) {
            return;
        }
        request = null;
        response = null;
        if (!keepAlive) {
            close();
            return;
        }
        state = IDLE;
        idleSinceNanos = loop.clock().nanoTime();
        reused = true;
        pool.release(this);
        again = true;
    }

    /** Loop: the caller cancelled {@code r}; before its response head the connection cannot be reused. */
    void requestCancelled(ClientRequest r) {
        if (r == request && state == HEAD) {
            request = null;
            close();
        }
    }

    /** Loop: the body subscriber cancelled: the rest of the body is not wanted, so the connection is not reusable. */
    void bodyCancelled(ClientResponse r) {
        if (r == response && state == BODY && !decoder.isDone()) {
            close();
        }
    }

    private void responseTimeout() {
        if (state == HEAD) {
            fail(new HttpException(0, "no response from " + request.endpoint() + " within "
                    + TimeUnit.NANOSECONDS.toMillis(pool.settings.responseTimeoutNanos()) + " ms"));
        }
    }

    private void fail(Throwable e) {
        if (state == CLOSED) {
            return;
        }
        ClientRequest req = request;
        ClientResponse r = response;
        boolean retry = req != null && r == null && reused && !anyResponseByte && req.retryable() && !req.retried;
        close();
        if (req == null) {
            return;
        }
        if (r != null) {
            r.body.fail(e);
        } else if (retry) {
            req.retried = true;
            pool.acquire(req); // a reused connection the server had just closed: once more on a fresh one
        } else {
            req.sink.error(e);
        }
    }

    private void lost(Throwable cause) {
        if (state == CLOSED) {
            return;
        }
        if (state == IDLE) {
            close();
            return;
        }
        inputEnded = true;
        if (state == HEAD || state == BODY) {
            drive();
        }
    }

    void close() {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        timer.cancel();
        stopInput();
        decoder.close();
        bind.close();
        pool.closed(this);
    }
}
