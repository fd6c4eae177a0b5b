package dev.evpl.reactive.http;

import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import dev.evpl.reactive.core.internal.bind.SegmentSink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * Writes responses of one {@link ServerConnection}: encodes the head and the body the way
 * {@link ResponseFraming} decided (RFC 9112 §6) and streams the body through the bind's send
 * (chunk framing added around zero-copy body segments). Loop-confined.
 */
final class ResponseWriter {
    private final ServerConnection connection;
    private final HeadEncoder encoder = new HeadEncoder();
    private final ResponseFraming framing = new ResponseFraming();
    /** Bodies up to this size are copied behind the head (one slice); larger ones stay zero-copy. */
    private static final int INLINE_BODY = 2048;
    /** The current response's head was encoded for sending (a 100 Continue may no longer precede it). */
    private boolean headWritten;

    ResponseWriter(ServerConnection connection) {
        this.connection = connection;
    }

    /** A new exchange begins: no head written yet. */
    void newExchange() {
        headWritten = false;
    }

    /** Whether the current response's head went out (a 100 Continue may no longer precede it). */
    boolean headWritten() {
        return headWritten;
    }

    /** An error response is written in place of the current one's head. */
    void headWrittenNow() {
        headWritten = true;
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
    void write(ServerResponse r, ResponseBody body, ResponseSend sink) {
        if (!connection.isCurrent(r.request)) {
            body.discardUnsent();
            sink.failed(new IllegalStateException("the connection was closed before the response was sent"));
            return;
        }
        if (body instanceof ResponseBody.Empty) {
            writeKnown(r, null, sink);
        } else if (body instanceof ResponseBody.Text t) {
            String text = t.text();
            if (text.length() <= INLINE_BODY && isAscii(text)) {
                writeInline(r, null, text, sink); // ASCII: encoded straight behind the head
                return;
            }
            write(r, new ResponseBody.Bytes(text.getBytes(StandardCharsets.UTF_8)), sink);
        } else if (body instanceof ResponseBody.Bytes b) {
            byte[] bytes = b.bytes();
            if (bytes.length <= INLINE_BODY) {
                writeInline(r, bytes, null, sink); // straight behind the head: no segment of its own
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
    private void writeOne(ServerResponse r, Mono<Segment> mono, ResponseSend sink) {
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

    private void bodyFailedBeforeHead(ServerResponse r, Throwable e, ResponseSend sink) {
        sink.failed(e);
        if (connection.isCurrent(r.request)) {
            connection.closeAfterResponse();
            writeError(r.request.version(), 500, "internal server error");
            connection.responseWritten(r.request);
        }
    }

    /** Decides the framing; a handler's Content-Length that cannot be honoured fails the response before its head. */
    private ResponseFraming frame(ServerResponse r, long bodyLength, Segment body, ResponseSend sink) {
        try {
            return framing.decide(r.request.version(), r.request.method().equals(HttpMethods.HEAD), r.status(), r.fields(),
                    bodyLength);
        } catch (IllegalStateException | IllegalArgumentException e) {
            if (body != null) {
                body.release();
            }
            bodyFailedBeforeHead(r, e, sink);
            return null;
        }
    }

    /**
     * A small body encoded behind the head into one segment: {@code bytes}, or the ASCII string
     * {@code text} (its chars are its bytes: no array of its own) when {@code bytes} is null.
     */
    private void writeInline(ServerResponse r, byte[] bytes, String text, ResponseSend sink) {
        ResponseFraming f = frame(r, bytes != null ? bytes.length : text.length(), null, sink);
        if (f == null) {
            return;
        }
        encodeHead(r, f);
        if (f.sendsBody()) {
            if (bytes != null) {
                encoder.append(bytes);
            } else {
                encoder.append(text);
            }
        }
        send(r, encoder.toSegment(allocator()), sink);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A body of known length (possibly none). */
    private void writeKnown(ServerResponse r, Segment body, ResponseSend sink) {
        if (!connection.isCurrent(r.request)) {
            if (body != null) {
                body.release();
            }
            sink.failed(new IllegalStateException("the connection was closed before the response was sent"));
            return;
        }
        long length = body == null ? 0 : body.readableBytes();
        ResponseFraming f = frame(r, length, body, sink);
        if (f == null) {
            return;
        }
        boolean withBody = body != null && f.sendsBody();
        if (body != null && !withBody) {
            body.release();
        }
        Segment out;
        if (withBody && length <= INLINE_BODY) {
            // Small body: copied behind the head into one segment (one slice, no composite).
            encodeHead(r, f);
            encoder.append(body);
            body.release();
            out = encoder.toSegment(allocator());
        } else {
            Segment headSeg = head(r, f);
            out = withBody ? Segment.composite(List.of(headSeg, body)) : headSeg;
        }
        send(r, out, sink);
    }

    private void writeStream(ServerResponse r, Flux<Segment> body, ResponseBody raw, ResponseSend sink) {
        ResponseFraming f = frame(r, -1, null, sink);
        if (f == null) {
            raw.discardUnsent();
            return;
        }
        if (!f.sendsBody()) {
            raw.discardUnsent(); // body not subscribed
            send(r, head(r, f), sink);
            return;
        }
        // The head goes out with the first body segment (or alone at the end), so a handler that
        // streams the request body back still lets the 100 Continue precede it.
        Framer framer = new Framer(r, f.kind() == ResponseFraming.Kind.CHUNKED, f.fixedLength());
        send(r, body.handle(framer).concatWith(Mono.fromSupplier(framer::last)), sink);
    }

    /**
     * Encodes the head: the handler's fields except the framing and connection ones, which
     * {@code f} chose ({@code Content-Length} or chunked) and the connection's fate decided now
     * ({@code Connection}), and {@code Date} unless the handler set it. Nothing is added to the
     * handler's header list.
     */
    private Segment head(ServerResponse r, ResponseFraming f) {
        encodeHead(r, f);
        return encoder.toSegment(allocator());
    }

    private void encodeHead(ServerResponse r, ResponseFraming f) {
        HttpVersion version = r.request.version();
        boolean keepAlive = f.keepAliveAfter(connection.keepsAlive(), connection.continuePending(r.request));
        if (!keepAlive) {
            connection.closeAfterResponse();
        }
        HttpHeaders h = r.fields();
        encoder.begin(version, r.status());
        boolean date = false;
        boolean type = false;
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i);
            if (serverChosen(name)) {
                continue;
            }
            date |= name.length() == 4 && name.equalsIgnoreCase("Date");
            type |= name.length() == 12 && name.equalsIgnoreCase("Content-Type");
            encoder.field(name, h.value(i));
        }
        if (r.textBody && !type) {
            encoder.field("Content-Type", ServerResponse.TEXT_UTF8);
        }
        if (!date) {
            encoder.field("Date", DateCache.now());
        }
        if (f.contentLength() != null) {
            encoder.field("Content-Length", f.contentLength());
        } else if (f.chunkedHead()) {
            encoder.field("Transfer-Encoding", "chunked");
        }
        if (!keepAlive && version == HttpVersion.HTTP_1_1) {
            encoder.field("Connection", "close");
        } else if (keepAlive && version == HttpVersion.HTTP_1_0) {
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

    /** A whole response in one segment: queued now, so the connection may serve the next request. */
    private void send(ServerResponse r, Segment out, ResponseSend sink) {
        if (connection.bind instanceof SegmentSink queue) {
            // Every built-in stream bind: straight into its send queue, the send told when written
            // (no Mono, subscription and Completion per response). HTTP sends only on the loop.
            queue.enqueue(out, sink);
        } else {
            send(r, connection.bind.send(out), sink); // a layered bind (TLS)
        }
        // Sends made on the loop keep their order (queued at once, or behind earlier hand-overs),
        // so the next response can only go out after this one.
        connection.responseQueued(r.request);
    }

    private void send(ServerResponse r, Publisher<Segment> out, ResponseSend sink) {
        send(r, connection.bind.send(out), sink);
    }

    private void send(ServerResponse r, Mono<Completion> sending, ResponseSend sink) {
        sending.subscribe(sink); // it reports the write's end to the connection
    }

    /**
     * Frames a streamed body on the loop (after publishOn): the head before the first segment,
     * chunk size lines around non-empty segments when chunked, the Content-Length set by the handler
     * enforced when fixed; {@link #last()} gives what ends the message.
     */
    private final class Framer implements BiConsumer<Segment, SynchronousSink<Segment>> {
        private final ServerResponse response;
        private final boolean chunked;
        private final long fixed;
        private boolean headSent;
        private boolean anyChunk;
        private long sent;

        Framer(ServerResponse response, boolean chunked, long fixed) {
            this.response = response;
            this.chunked = chunked;
            this.fixed = fixed;
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
            // The connection's framing still holds this response's decision: one response at a time.
            Segment h = head(response, framing);
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
