package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The response of one exchange. Status and headers are plain fields set by the handler before it
 * sends; the first send commits (atomically, so the connection's own error response and the
 * handler's cannot both go out) and hops onto the loop, where {@link ServerConnection} writes it.
 */
final class ServerResponse implements HttpServerResponse {
    private static final AtomicIntegerFieldUpdater<ServerResponse> COMMITTED =
            AtomicIntegerFieldUpdater.newUpdater(ServerResponse.class, "committed");

    private final ServerExchange connection;
    final ServerRequest request;
    private int status = 200;
    final HttpHeaders headers = new HttpHeaders();
    HttpHeaders trailers;
    private volatile int committed;

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
        headers.add(name, value);
        return this;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
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

    private static final String TEXT_UTF8 = "text/plain; charset=utf-8";

    /** Strings are UTF-8 text: say so unless the handler named a type itself. */
    private void defaultTextType() {
        if (headers.get("content-type") == null) {
            headers.add("Content-Type", TEXT_UTF8);
        }
    }

    @Override
    public Mono<Void> sendString(String body) {
        defaultTextType();
        return sendBody(new ResponseBody.Bytes(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Mono<Void> sendBytes(byte[] body) {
        return sendBody(new ResponseBody.Bytes(java.util.Objects.requireNonNull(body, "body")));
    }

    @Override
    public Mono<Void> sendString(Publisher<String> body) {
        defaultTextType();
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

    /** Commits the response with {@code body} when the returned Mono is subscribed. */
    private Mono<Void> sendBody(ResponseBody body) {
        return new SendMono(body);
    }

    /**
     * The Mono a send returns: on subscribe it commits the response and hands the body to the loop;
     * the writer completes it when the response was written. Lighter than {@code Mono.create}
     * (this is on every request's path).
     */
    private final class SendMono extends Mono<Void> {
        private final ResponseBody body;

        SendMono(ResponseBody body) {
            this.body = body;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            SendSubscription s = new SendSubscription(actual);
            actual.onSubscribe(s);
            if (!tryCommit()) {
                // The body publisher is not subscribed: a cold publisher has produced no segment to release.
                s.error(new IllegalStateException("the response was already sent (one send per response)"));
                return;
            }
            ResponseBody b = body;
            if (b instanceof ResponseBody.Stream stream && !connection.loop().inLoop()) {
                // A streamed body sent from another thread gets its demand now, not after the hop.
                b = new ResponseBody.Stream(new EagerBody(stream.segments(), 32));
            }
            ResponseBody sent = b;
            if (!connection.onLoop(() -> connection.writeResponse(ServerResponse.this, sent, s))) {
                sent.discardUnsent();
                s.error(new IllegalStateException("the connection's event loop is gone; the response was not sent"));
            }
        }
    }

    /** Completion of one send, signalled once by the writer (any thread). */
    static final class SendSubscription implements Subscription {
        private final CoreSubscriber<? super Void> actual;
        private volatile boolean done;

        SendSubscription(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            // a Mono<Void> emits no value: demand is irrelevant
        }

        @Override
        public void cancel() {
            // the response is committed: writing it goes on (cancelling cannot unsend bytes)
        }

        void success() {
            if (!done) {
                done = true;
                actual.onComplete();
            }
        }

        void error(Throwable e) {
            if (!done) {
                done = true;
                actual.onError(e);
            }
        }
    }
}
