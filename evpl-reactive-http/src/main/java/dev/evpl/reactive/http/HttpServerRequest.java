package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A received request: its head, parsed and validated, and its body as a stream.
 *
 * <p><b>Body = demand.</b> {@link #receive()} emits the body as zero-copy segments (slices of what
 * the socket delivered, de-chunked); each {@code request(n)} lets the connection read and decode
 * up to n more segments, so a slow reader stops the socket and the client's TCP window closes. The
 * subscriber owns every segment (release it, or pass it to a send). One subscriber (a request
 * without a body, no {@code Content-Length} or 0 and not chunked, has an empty stream that any
 * number may subscribe to); a handler that never subscribes gets the body discarded after its
 * response (or the connection closed when the body is large).
 *
 * <p>Thread-safety: the head accessors are immutable values, safe anywhere; the body may be
 * subscribed and requested from any thread (work hops onto the connection's loop).
 */
public interface HttpServerRequest {
    /** The method, e.g. {@code GET}. */
    String method();

    /** The request target as received, e.g. {@code /a/b?x=1}. */
    String target();

    /** The target's path (before {@code ?}), percent-encoding left as received. */
    String path();

    /** The target's query (after {@code ?}), or null. */
    String query();

    /** The protocol version of the request. */
    HttpVersion version();

    /** The header fields, in order, read-only. */
    HttpHeaders headers();

    /** A path variable captured by the route ({@code /users/{id}}), or null. */
    String param(String name);

    /** The declared body length, or -1 (chunked, or no Content-Length). */
    long contentLength();

    /** Whether the connection stays open after this exchange (by version and {@code Connection}). */
    boolean isKeepAlive();

    /** The body; completes after the last byte (and the trailers) were read. */
    Flux<Segment> receive();

    /** The whole body decoded as UTF-8 (aggregated: for small bodies). */
    Mono<String> receiveString();

    /** The trailer fields of a chunked body: empty until {@link #receive()} completed, and for other bodies. */
    HttpHeaders trailers();

    /** The loop serving this connection (its {@code allocator()} makes segments, on the loop). */
    EventLoop loop();

    /** The client's address. */
    SocketAddress remoteAddress();

    /** The server's address for this connection. */
    SocketAddress localAddress();

    /**
     * The TLS session of an HTTPS connection (protocol, cipher suite, the client's certificates
     * under mutual TLS); null over plain HTTP.
     */
    javax.net.ssl.SSLSession sslSession();
}
