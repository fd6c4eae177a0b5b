package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A received response: its head, immutable, and its body stream (fed on the connection's loop). */
final class ClientResponse implements HttpClientResponse, BodyStream.Feeder {
    private final ClientConnection connection;
    private final int status;
    private final String reason;
    private final HttpVersion version;
    private final HttpHeaders headers;
    final BodyStream body;

    ClientResponse(ClientConnection connection, ResponseHeadParser head) {
        this.connection = connection;
        this.status = head.status;
        this.reason = head.reason;
        this.version = head.version;
        this.headers = head.headers;
        this.body = new BodyStream(connection.loop, "response body", this);
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public HttpVersion version() {
        return version;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public Flux<Segment> body() {
        return body;
    }

    @Override
    public Mono<byte[]> bodyAsBytes() {
        return body.aggregate();
    }

    @Override
    public Mono<String> bodyAsString() {
        return body.aggregateString();
    }

    @Override
    public Mono<Void> discard() {
        return body.doOnNext(Segment::release).then();
    }

    @Override
    public HttpHeaders trailers() {
        return body.trailers();
    }

    @Override
    public EventLoop loop() {
        return connection.loop;
    }

    // --- BodyStream.Feeder (loop) --------------------------------------------------------------

    @Override
    public void demanded() {
        connection.drive();
    }

    @Override
    public void cancelled() {
        connection.bodyCancelled(this);
    }

    @Override
    public boolean attachable() {
        return true; // the connection waits for the body: it is never dropped unread
    }

    @Override
    public String toString() {
        return version + " " + status + " " + reason;
    }
}
