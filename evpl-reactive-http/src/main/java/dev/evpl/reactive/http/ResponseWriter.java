package dev.evpl.reactive.http;

import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * Writes responses of one {@link ServerConnection}: chooses the framing (RFC 9112 §6), encodes the
 * head, and streams the body through the bind's send (chunk framing added around zero-copy body
 * segments). Loop-confined.
 */
final class ResponseWriter {
    private final ServerConnection connection;
    private final HeadEncoder encoder = new HeadEncoder();
    /** Bodies up to this size are copied behind the head (one slice); larger ones stay zero-copy. */
    private static final int INLINE_BODY = 2048;
    /** The current response's head was encoded for sending (a 100 Continue may no longer precede it). */
    boolean headWritten;

    ResponseWriter(ServerConnection connection) {
        this.connection = connection;
    }

    private SegmentAllocator allocator() {
        return connection.loop.allocator();
    }

    /** {@code 100 Continue}, before the body of a request that expects it is read. */
    void sendContinue(HttpVersion version) {
        Segment s = encoder.begin(version, 100).crlf().toSegment(allocator());
        connection.bind.send(s).subscribe(null, e -> { });
    }

    /** A complete error response with a plain-text reason and {@code Connection: close}. */
    void writeError(HttpVersion version, int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        encoder.begin(version, status)
                .field("Date", DateCache.now())
                .field("Content-Type", "text/plain; charset=utf-8")
                .field("Content-Length", Integer.toString(body.length))
                .field("Connection", "close")
                .crlf()
                .append(new String(body, StandardCharsets.ISO_8859_1));
        connection.bind.send(encoder.toSegment(allocator())).subscribe(null, e -> { });
    }

    /** Loop: writes the committed response {@code r} with {@code body}. */
    void write(ServerResponse r, ResponseBody body, ServerResponse.SendSubscription sink) {
        if (!connection.isCurrent(r.request)) {
            body.discardUnsent();
            sink.error(new IllegalStateException("the connection was closed before the response was sent"));
            return;
        }
        if (body instanceof ResponseBody.Empty) {
            writeKnown(r, null, sink);
        } else if (body instanceof ResponseBody.Bytes b) {
            byte[] bytes = b.bytes();
            if (bytes.length <= INLINE_BODY) {
                writeInline(r, bytes, sink); // straight behind the head: no segment of its own
                return;
            }
            Segment s = allocator().allocate(bytes.length);
            s.setBytes(0, bytes, 0, bytes.length);
            writeKnown(r, s, sink);
        } else if (body instanceof ResponseBody.One one) {
            writeOne(r, one.segment(), sink);
        } else if (body instanceof ResponseBody.Strings strings) {
            writeStream(r, Flux.from(strings.strings()).publishOn(connection.loop, 32).map(this::utf8), body, sink);
        } else {
            writeStream(r, Flux.from(((ResponseBody.Stream) body).segments()).publishOn(connection.loop, 32), body, sink);
        }
    }

    /** One segment: its length is known once it is here. */
    private void writeOne(ServerResponse r, Mono<Segment> mono, ServerResponse.SendSubscription sink) {
        if (mono instanceof Callable<?> callable) {
            // Mono.just / fromSupplier / fromCallable: take the value here, on the loop, without
            // subscribing an operator chain (the per-request fast path of small responses).
            Segment s;
            try {
                s = (Segment) callable.call();
            } catch (Throwable e) {
                bodyFailedBeforeHead(r, e, sink);
                return;
            }
            writeKnown(r, s, sink);
            return;
        }
        mono.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()).subscribe(
                s -> connection.onLoop(() -> writeKnown(r, s.orElse(null), sink)),
                e -> connection.onLoop(() -> bodyFailedBeforeHead(r, e, sink)));
    }

    private Segment utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Segment seg = allocator().allocate(b.length);
        seg.setBytes(0, b, 0, b.length);
        return seg;
    }

    private void bodyFailedBeforeHead(ServerResponse r, Throwable e, ServerResponse.SendSubscription sink) {
        sink.error(e);
        if (connection.isCurrent(r.request)) {
            connection.keepAlive = false;
            writeError(r.request.version(), 500, "internal server error");
            connection.responseWritten(r.request);
        }
    }

    /** A small byte[] body (a string): encoded behind the head into one segment. */
    private void writeInline(ServerResponse r, byte[] body, ServerResponse.SendSubscription sink) {
        int status = r.status();
        boolean noContent = HttpStatus.hasNoContent(status);
        boolean head = r.request.method().equals(HttpMethods.HEAD);
        HttpHeaders h = r.headers;
        String contentLength = null;
        if (!noContent) {
            String declared = h.get("Content-Length");
            if (declared != null && !head && !declared.trim().equals(Long.toString(body.length))) {
                bodyFailedBeforeHead(r, new IllegalStateException("Content-Length " + declared
                        + " set by the handler, but the body has " + body.length + " bytes"), sink);
                return;
            }
            contentLength = declared != null ? declared.trim() : lengthString(body.length);
        }
        encodeHead(r, h, contentLength, false);
        if (!noContent && !head) {
            encoder.append(body);
        }
        send(r, encoder.toSegment(allocator()), sink);
    }

    /** A body of known length (possibly none). */
    private void writeKnown(ServerResponse r, Segment body, ServerResponse.SendSubscription sink) {
        if (!connection.isCurrent(r.request)) {
            if (body != null) {
                body.release();
            }
            sink.error(new IllegalStateException("the connection was closed before the response was sent"));
            return;
        }
        int status = r.status();
        boolean noContent = HttpStatus.hasNoContent(status);
        boolean head = r.request.method().equals(HttpMethods.HEAD);
        long length = body == null ? 0 : body.readableBytes();
        HttpHeaders h = r.headers;
        String contentLength = null;
        if (!noContent) {
            String declared = h.get("Content-Length");
            if (declared != null && !head && !declared.trim().equals(Long.toString(length))) {
                if (body != null) {
                    body.release();
                }
                bodyFailedBeforeHead(r, new IllegalStateException("Content-Length " + declared
                        + " set by the handler, but the body has " + length + " bytes"), sink);
                return;
            }
            contentLength = declared != null ? declared.trim() : lengthString(length);
        }
        boolean withBody = body != null && !noContent && !head;
        if (body != null && !withBody) {
            body.release();
        }
        Segment out;
        if (withBody && length <= INLINE_BODY) {
            // Small body: copied behind the head into one segment (one slice, no composite).
            encodeHead(r, h, contentLength, false);
            encoder.append(body);
            body.release();
            out = encoder.toSegment(allocator());
        } else {
            Segment headSeg = head(r, h, contentLength, false);
            out = withBody ? Segment.composite(List.of(headSeg, body)) : headSeg;
        }
        send(r, out, sink);
    }

    private void writeStream(ServerResponse r, Flux<Segment> body, ResponseBody raw, ServerResponse.SendSubscription sink) {
        int status = r.status();
        boolean noContent = HttpStatus.hasNoContent(status);
        boolean head = r.request.method().equals(HttpMethods.HEAD);
        HttpHeaders h = r.headers;
        String declared = noContent ? null : h.get("Content-Length");
        boolean chunked = false;
        long fixed = -1;
        if (!noContent && declared != null) {
            fixed = parseLength(declared);
        } else if (!noContent && r.request.version() == HttpVersion.HTTP_1_1) {
            chunked = true;
        } else if (!noContent && !head) {
            connection.keepAlive = false; // HTTP/1.0 without a length: the close ends the body
        }
        if (noContent || head) {
            raw.discardUnsent(); // body not subscribed
            send(r, head(r, h, declared == null ? null : declared.trim(), chunked), sink);
            return;
        }
        // The head goes out with the first body segment (or alone at the end), so a handler that
        // streams the request body back still lets the 100 Continue precede it.
        Framer framer = new Framer(r, h, chunked, fixed, declared == null ? null : declared.trim());
        send(r, body.handle(framer).concatWith(Mono.fromSupplier(framer::last)), sink);
    }

    private static final String[] SMALL_LENGTHS = new String[4096];

    /** Decimal of a body length; the small ones computed once. */
    private static String lengthString(long n) {
        if (n >= SMALL_LENGTHS.length) {
            return Long.toString(n);
        }
        String s = SMALL_LENGTHS[(int) n];
        if (s == null) {
            s = Long.toString(n);
            SMALL_LENGTHS[(int) n] = s; // racy but idempotent
        }
        return s;
    }

    private static long parseLength(String v) {
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("invalid Content-Length '" + v + "' set by the handler");
    }

    /**
     * Encodes the head: the handler's fields except the framing and connection ones, which the
     * server chooses ({@code contentLength} or {@code chunked}, {@code Connection}), and
     * {@code Date} unless the handler set it. Nothing is added to the handler's header list.
     */
    private Segment head(ServerResponse r, HttpHeaders h, String contentLength, boolean chunked) {
        encodeHead(r, h, contentLength, chunked);
        return encoder.toSegment(allocator());
    }

    private void encodeHead(ServerResponse r, HttpHeaders h, String contentLength, boolean chunked) {
        HttpVersion version = r.request.version();
        if (r.request.expectContinue && !connection.continueSent) {
            connection.keepAlive = false; // the client may or may not send the body it announced
        }
        encoder.begin(version, r.status());
        boolean date = false;
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i);
            if (serverChosen(name)) {
                continue;
            }
            date |= name.length() == 4 && name.equalsIgnoreCase("Date");
            encoder.field(name, h.value(i));
        }
        if (!date) {
            encoder.field("Date", DateCache.now());
        }
        if (contentLength != null) {
            encoder.field("Content-Length", contentLength);
        } else if (chunked) {
            encoder.field("Transfer-Encoding", "chunked");
        }
        if (!connection.keepAlive && version == HttpVersion.HTTP_1_1) {
            encoder.field("Connection", "close");
        } else if (connection.keepAlive && version == HttpVersion.HTTP_1_0) {
            encoder.field("Connection", "keep-alive");
        }
        headWritten = true;
        encoder.crlf();
    }

    private static boolean serverChosen(String name) {
        return switch (name.length()) {
            case 10 -> name.equalsIgnoreCase("Connection");
            case 14 -> name.equalsIgnoreCase("Content-Length");
            case 17 -> name.equalsIgnoreCase("Transfer-Encoding");
            default -> false;
        };
    }

    private void send(ServerResponse r, Segment out, ServerResponse.SendSubscription sink) {
        send(r, connection.bind.send(out), sink);
    }

    private void send(ServerResponse r, Publisher<Segment> out, ServerResponse.SendSubscription sink) {
        send(r, connection.bind.send(out), sink);
    }

    private void send(ServerResponse r, Mono<Completion> sending, ServerResponse.SendSubscription sink) {
        sending.subscribe(new Written(r.request, sink));
    }

    /** Completion of a response's write. */
    private final class Written extends TerminalOnLoop<Completion> {
        private final ServerRequest request;
        private final ServerResponse.SendSubscription sink;

        Written(ServerRequest request, ServerResponse.SendSubscription sink) {
            super(connection);
            this.request = request;
            this.sink = sink;
        }

        @Override
        void terminated(Throwable error) {
            if (error == null) {
                sink.success();
                connection.responseWritten(request);
            } else {
                sink.error(error);
                connection.responseFailed(request, error);
            }
        }
    }

    /**
     * Frames a streamed body on the loop (after publishOn): the head before the first segment,
     * chunk size lines around non-empty segments when chunked, the Content-Length set by the handler
     * enforced when fixed; {@link #last()} gives what ends the message.
     */
    private final class Framer implements BiConsumer<Segment, SynchronousSink<Segment>> {
        private final ServerResponse response;
        private final HttpHeaders headers;
        private final boolean chunked;
        private final long fixed;
        private final String contentLength;
        private boolean headSent;
        private boolean anyChunk;
        private long sent;

        Framer(ServerResponse response, HttpHeaders headers, boolean chunked, long fixed, String contentLength) {
            this.response = response;
            this.headers = headers;
            this.chunked = chunked;
            this.fixed = fixed;
            this.contentLength = contentLength;
        }

        private Segment withHead(Segment s) {
            if (headSent) {
                return s;
            }
            if (!connection.isCurrent(response.request)) {
                if (s != null) {
                    s.release();
                }
                throw new IllegalStateException("the connection was closed before the response head was sent");
            }
            headSent = true;
            Segment h = head(response, headers, contentLength, chunked);
            return s == null ? h : Segment.composite(List.of(h, s));
        }

        @Override
        public void accept(Segment s, SynchronousSink<Segment> out) {
            int n = s.readableBytes();
            if (n == 0) {
                s.release(); // an empty chunk would end the body
                return;
            }
            if (fixed >= 0) {
                sent += n;
                if (sent > fixed) {
                    s.release();
                    out.error(new IllegalStateException("the body is longer than the Content-Length " + fixed
                            + " set by the handler"));
                    return;
                }
                out.next(withHead(s));
                return;
            }
            if (!chunked) {
                out.next(withHead(s));
                return;
            }
            // The CRLF closing the previous chunk travels with this chunk's size line.
            encoder.reset();
            if (anyChunk) {
                encoder.crlf();
            }
            anyChunk = true;
            Segment size = encoder.appendHex(n).crlf().toSegment(allocator());
            out.next(withHead(Segment.composite(List.of(size, s))));
        }

        /** The end of the message: the head if nothing was sent yet, the last chunk and trailers if chunked; may be null. */
        Segment last() {
            if (fixed >= 0 && sent != fixed) {
                throw new IllegalStateException("the body ended after " + sent + " bytes, short of the Content-Length "
                        + fixed + " set by the handler");
            }
            if (!chunked) {
                return headSent ? null : withHead(null);
            }
            Segment h = headSent ? null : withHead(null);
            encoder.reset();
            if (anyChunk) {
                encoder.crlf();
            }
            encoder.append('0').crlf();
            if (response.trailers != null) {
                encoder.fields(response.trailers);
            }
            Segment end = encoder.crlf().toSegment(allocator());
            return h == null ? end : Segment.composite(List.of(h, end));
        }
    }
}
