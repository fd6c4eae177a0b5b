package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The response to one request: a status and header fields, then one body.
 *
 * <p>The server chooses the framing: {@code Content-Length} when the body's length is known (a
 * {@code Mono}, a string, or a {@code Content-Length} the handler set, which is then enforced),
 * chunked for a streamed body to an HTTP/1.1 client, close-delimited for HTTP/1.0; never both,
 * none on 1xx/204/304, no body on HEAD. It adds {@code Date} once and {@code Connection} as needed;
 * a {@code Transfer-Encoding} set by the handler is replaced.
 *
 * <p>Thread-safety: set the status and headers before sending, from one thread at a time; the send
 * methods may be called from any thread (work hops onto the connection's loop).
 */
public interface HttpServerResponse {
    /** Sets the status (100–599; default 200); returns this. */
    HttpServerResponse status(int status);

    /** The status. */
    int status();

    /** Adds a header field (validated: CR/LF in a value is refused); returns this. */
    HttpServerResponse header(String name, String value);

    /** The header fields to send (mutable until the head is sent). */
    HttpHeaders headers();

    /**
     * Adds a trailer field, sent after a chunked body (ignored when the body is not chunked);
     * returns this.
     */
    HttpServerResponse trailer(String name, String value);

    /** Sends the head and {@code body} (taking ownership of its segments); completes when written. */
    Mono<Void> send(Publisher<Segment> body);

    /**
     * Sends the head and {@code body} encoded as UTF-8 with its Content-Length, and
     * {@code Content-Type: text/plain; charset=utf-8} unless the handler set a Content-Type.
     */
    Mono<Void> sendString(String body);

    /**
     * Sends the head and a copy of {@code body} with its Content-Length. The array is read on the
     * loop when the response is written: do not change it afterwards (constants are the use).
     */
    Mono<Void> sendBytes(byte[] body);

    /**
     * Sends the head and each string of {@code body}, UTF-8, streamed; the Content-Type as
     * {@link #sendString(String)}.
     */
    Mono<Void> sendString(Publisher<String> body);

    /** Sends the head with an empty body. */
    Mono<Void> send();

    /** Whether the head was sent (status and headers can no longer change). */
    boolean isCommitted();
}
