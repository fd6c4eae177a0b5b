package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The response of one exchange. Status and headers are plain fields set by the handler before it
 * sends; the first send commits (atomically, so the connection's own error response and the
 * handler's cannot both go out) and hops onto the loop, where {@link ServerConnection} writes it
 * ({@link ResponseSend}).
 *
 * <p>It is also the subscriber of the handler's {@code Publisher<Void>} (values ignored): its end
 * is reported to the exchange on the loop, without an object of its own per request.
 */
final class ServerResponse implements HttpServerResponse, CoreSubscriber<Void>, Runnable {
    private static final AtomicIntegerFieldUpdater<ServerResponse> COMMITTED =
            AtomicIntegerFieldUpdater.newUpdater(ServerResponse.class, "committed");

    private final ServerExchange connection;
    final ServerRequest request;
    private int status = 200;
    /** Created when the handler first touches the headers: most responses name none. */
    private HttpHeaders headers;
    HttpHeaders trailers;
    /**
     * The body is text sent by {@code sendString}: the head says {@code text/plain; charset=utf-8}
     * unless the handler names a Content-Type itself (decided when the head is written, so a type
     * added after the send but before the write still wins). A flag, not a header field: the common
     * {@code sendString} response then needs no header list at all.
     */
    boolean textBody;
    private volatile int committed;
    /** How the handler's publisher ended (null: completed); published by the hop onto the loop. */
    private Throwable handlerError;

    ServerResponse(ServerExchange connection, ServerRequest request) {
        this.connection = connection;
        this.request = request;
    }

    @Override
    public HttpServerResponse status(int status) {
        checkNotCommitted();
        this.status = HttpStatus.check(status);
        return this;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public HttpServerResponse header(String name, String value) {
        checkNotCommitted();
        headers().add(name, value);
        return this;
    }

    @Override
    public HttpHeaders headers() {
        HttpHeaders h = headers;
        if (h == null) {
            headers = h = new HttpHeaders();
        }
        return h;
    }

    /** The fields the handler set, or the shared empty list when it set none (never mutated). */
    HttpHeaders fields() {
        HttpHeaders h = headers;
        return h == null ? HttpHeaders.EMPTY : h;
    }

    @Override
    public HttpServerResponse trailer(String name, String value) {
        if (trailers == null) {
            trailers = new HttpHeaders();
        }
        trailers.add(name, value);
        return this;
    }

    @Override
    public Mono<Void> send(Publisher<Segment> body) {
        return sendBody(body == null ? ResponseBody.EMPTY : ResponseBody.of(body));
    }

    /** The Content-Type of {@code sendString} bodies when the handler names none. */
    static final String TEXT_UTF8 = "text/plain; charset=utf-8";

    @Override
    public Mono<Void> sendString(String body) {
        textBody = true;
        return sendBody(new ResponseBody.Text(java.util.Objects.requireNonNull(body, "body")));
    }

    @Override
    public Mono<Void> sendBytes(byte[] body) {
        return sendBody(new ResponseBody.Bytes(java.util.Objects.requireNonNull(body, "body")));
    }

    @Override
    public Mono<Void> sendString(Publisher<String> body) {
        textBody = true;
        return sendBody(new ResponseBody.Strings(java.util.Objects.requireNonNull(body, "body")));
    }

    @Override
    public Mono<Void> send() {
        return sendBody(ResponseBody.EMPTY);
    }

    @Override
    public boolean isCommitted() {
        return committed != 0;
    }

    /** Commits the response; false when it was already committed. Any thread. */
    boolean tryCommit() {
        return COMMITTED.compareAndSet(this, 0, 1);
    }

    private void checkNotCommitted() {
        if (committed != 0) {
            throw new IllegalStateException("the response head was already sent");
        }
    }

    // --- the handler's publisher (subscribed once by the exchange) ------------------------------

    @Override
    public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Void value) {
        // only the end matters
    }

    @Override
    public void onError(Throwable t) {
        handlerError = t;
        connection.onLoop(this);
    }

    @Override
    public void onComplete() {
        connection.onLoop(this);
    }

    /** Loop: reports the end of the handler's publisher. */
    @Override
    public void run() {
        Throwable e = handlerError;
        if (e != null) {
            connection.handlerFailed(request, e);
        } else {
            connection.handlerCompleted(request);
        }
    }

    /** Commits the response with {@code body} when the returned Mono is subscribed. */
    private Mono<Void> sendBody(ResponseBody body) {
        return new ResponseSend(this, connection, body);
    }
}
