package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response received by {@link HttpClient}: status and headers, then the body as a stream.
 *
 * <p>The body must be consumed ({@link #body()}, {@link #bodyAsString()}, {@link #bodyAsBytes()})
 * or dropped ({@link #discard()}): the connection goes back to its pool only after the last body
 * byte. The body stream has exactly one terminal signal: completion after the whole body, or an
 * error saying what happened (connection lost during the body, malformed framing, timeout).
 * Demand is credit: an unread body stops the socket.
 *
 * <p>Thread-safety: the head accessors are immutable; the body may be subscribed from any thread.
 */
public interface HttpClientResponse {
    /** The status code. */
    int status();

    /** The reason phrase as received (may be empty). */
    String reason();

    /** The response's protocol version. */
    HttpVersion version();

    /** The header fields, read-only. */
    HttpHeaders headers();

    /** The body (one subscriber): zero-copy segments the subscriber owns. */
    Flux<Segment> body();

    /** The whole body decoded as UTF-8 (aggregated: for small bodies). */
    Mono<String> bodyAsString();

    /** The whole body as bytes (aggregated: for small bodies). */
    Mono<byte[]> bodyAsBytes();

    /** Reads and drops the body; completes when it ended (the connection is then reusable). */
    Mono<Void> discard();

    /** Trailer fields of a chunked body, once the body completed; empty otherwise. */
    HttpHeaders trailers();

    /** The loop the connection lives on. */
    EventLoop loop();
}
