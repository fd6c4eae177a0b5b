package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * One request of {@link HttpClient} on its way: what to send and where the response goes. The
 * body is null (none), a {@code byte[]} (copied into pooled memory on the loop, sent with its
 * Content-Length) or a publisher of segments (sent chunked, zero-copy).
 */
final class ClientRequest {
    private final String method;
    private final Endpoint endpoint;
    private final String target;
    private final String host;
    private final HttpHeaders headers;
    private final Object body;
    final MonoSink<HttpClientResponse> sink;
    boolean retried;
    /** Loop: the caller cancelled before the response head arrived. */
    boolean cancelled;
    /** Loop: the connection exchanging this request, while it does. */
    ClientConnection connection;

    ClientRequest(String method, Endpoint endpoint, String target, String host, HttpHeaders headers, Object body,
                  MonoSink<HttpClientResponse> sink) {
        this.method = method;
        this.endpoint = endpoint;
        this.target = target;
        this.host = host;
        this.headers = headers;
        this.body = body;
        this.sink = sink;
    }

    String method() {
        return method;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** Safe to send again when a reused connection turned out closed: idempotent, body not streamed. */
    boolean retryable() {
        return !(body instanceof Publisher) && !method.equals(HttpMethods.POST) && !method.equals(HttpMethods.PATCH);
    }

    /** Loop: the request as segments: the head (framing chosen here), then the body. */
    @SuppressWarnings("unchecked")
    Publisher<Segment> encode(HeadEncoder encoder, EventLoop loop) {
        SegmentAllocator allocator = loop.allocator();
        encoder.reset().append(method).append(' ').append(target).append(" HTTP/1.1").crlf();
        boolean hostSet = false;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue; // framing is chosen below
            }
            hostSet |= name.equalsIgnoreCase("Host");
            encoder.field(name, headers.value(i));
        }
        if (!hostSet) {
            encoder.field("Host", host);
        }
        if (body == null) {
            if (method.equals(HttpMethods.POST) || method.equals(HttpMethods.PUT) || method.equals(HttpMethods.PATCH)) {
                encoder.field("Content-Length", "0");
            }
            return Mono.just(encoder.crlf().toSegment(allocator));
        }
        if (body instanceof byte[] bytes) {
            Segment head = encoder.field("Content-Length", Integer.toString(bytes.length)).crlf().toSegment(allocator);
            if (bytes.length == 0) {
                return Mono.just(head);
            }
            Segment content = allocator.allocate(bytes.length);
            content.setBytes(0, bytes, 0, bytes.length);
            return Mono.just(Segment.composite(List.of(head, content)));
        }
        String declared = headers.get("Content-Length");
        if (declared != null) {
            return fixedLength(encoder, loop, (Publisher<Segment>) body, declared);
        }
        Segment head = encoder.field("Transfer-Encoding", "chunked").crlf().toSegment(allocator);
        boolean[] any = new boolean[1];
        Flux<Segment> chunks = Flux.from((Publisher<Segment>) body).publishOn(loop, 32)
                .handle((Segment s, reactor.core.publisher.SynchronousSink<Segment> out) -> {
                    int n = s.readableBytes();
                    if (n == 0) {
                        s.release();
                        return;
                    }
                    encoder.reset();
                    if (any[0]) {
                        encoder.crlf();
                    }
                    any[0] = true;
                    Segment size = encoder.appendHex(n).crlf().toSegment(allocator);
                    out.next(Segment.composite(List.of(size, s)));
                });
        Mono<Segment> last = Mono.fromSupplier(() -> {
            encoder.reset();
            if (any[0]) {
                encoder.crlf();
            }
            return encoder.append('0').crlf().crlf().toSegment(allocator);
        });
        return Flux.concat(Mono.just(head), chunks, last);
    }

    /**
     * A streamed body whose length the caller declared: sent as is after a Content-Length head (a
     * peer that refuses chunked uploads gets them), the declared length enforced both ways.
     */
    private static Publisher<Segment> fixedLength(HeadEncoder encoder, EventLoop loop, Publisher<Segment> body,
            String declared) {
        long fixed = digits(declared.trim());
        if (fixed < 0) {
            Flux.from(body).subscribe(Segment::release, e -> { });
            return Flux.error(new IllegalArgumentException("invalid Content-Length '" + declared + "' in the request headers"));
        }
        Segment head = encoder.field("Content-Length", Long.toString(fixed)).crlf().toSegment(loop.allocator());
        long[] sent = new long[1];
        Flux<Segment> content = Flux.from(body).publishOn(loop, 32)
                .handle((Segment s, reactor.core.publisher.SynchronousSink<Segment> out) -> {
                    int n = s.readableBytes();
                    sent[0] += n;
                    if (sent[0] > fixed) {
                        s.release();
                        out.error(new IllegalStateException("the request body is longer than its Content-Length " + fixed));
                    } else if (n == 0) {
                        s.release();
                    } else {
                        out.next(s);
                    }
                });
        Mono<Segment> end = Mono.defer(() -> sent[0] == fixed ? Mono.empty()
                : Mono.error(new IllegalStateException("the request body ended after " + sent[0]
                        + " bytes, short of its Content-Length " + fixed)));
        return Flux.concat(Mono.just(head), content, end);
    }

    /** The non-negative decimal {@code v} (at most 18 digits), or -1. */
    private static long digits(String v) {
        if (v.isEmpty() || v.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    @Override
    public String toString() {
        return method + " " + endpoint + target;
    }
}
