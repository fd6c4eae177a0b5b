package dev.evpl.reactive.http;

/**
 * The one place an HTTP/1.1 response's framing and the connection's fate are decided (RFC 9112
 * §6.3, §9.3): no body (1xx, 204, 304, a HEAD request), a {@code Content-Length} (the handler's,
 * checked against a known body, or the body's own), chunked (HTTP/1.1, length unknown) or ended by
 * the close (HTTP/1.0, length unknown); and whether the connection stays open after it. The
 * writer encodes what this says; it decides nothing itself. One instance per connection, reused
 * for each response (no allocation per request). Loop-confined.
 */
final class ResponseFraming {
    /** How the body is delimited. */
    enum Kind {
        /** No body follows the head (status or HEAD): a declared length may still be announced. */
        NONE,
        /** {@code Content-Length: }{@link #contentLength()}. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** The body ends when the connection closes (HTTP/1.0 without a length). */
        CLOSE
    }

    private Kind kind;
    private String contentLength;
    private long fixedLength;
    private boolean keepAlive;
    private boolean sendsBody;
    private boolean announceChunked;

    /**
     * Decides the framing of a response with {@code status} and the handler's {@code headers} to a
     * request of {@code version} ({@code headRequest}: its method was HEAD); {@code bodyLength} is
     * the body's size when known (-1: a stream of unknown length). Whether the connection survives is decided when the head is encoded
     * ({@link #keepAliveAfter}): a 100 Continue may still go out before a streamed body's head.
     *
     * @throws IllegalStateException the handler's {@code Content-Length} disagrees with a known body
     * @throws IllegalArgumentException the handler's {@code Content-Length} is not a length
     */
    ResponseFraming decide(HttpVersion version, boolean headRequest, int status, HttpHeaders headers, long bodyLength) {
        boolean noContent = HttpStatus.hasNoContent(status);
        boolean head = headRequest;
        String declared = noContent ? null : headers.get("Content-Length");
        this.keepAlive = true;
        this.contentLength = null;
        this.fixedLength = -1;
        this.sendsBody = !noContent && !head;
        this.announceChunked = false;
        if (noContent) {
            kind = Kind.NONE;
        } else if (declared != null) {
            String d = declared.trim();
            long n = parseLength(d);
            if (bodyLength >= 0 && !head && n != bodyLength) {
                throw new IllegalStateException("Content-Length " + declared + " set by the handler, but the body has "
                        + bodyLength + " bytes");
            }
            kind = head ? Kind.NONE : Kind.LENGTH;
            contentLength = d;
            fixedLength = n;
        } else if (bodyLength >= 0) {
            kind = head ? Kind.NONE : Kind.LENGTH;
            contentLength = lengthString(bodyLength);
            fixedLength = bodyLength;
        } else if (version == HttpVersion.HTTP_1_1) {
            kind = head ? Kind.NONE : Kind.CHUNKED;
            announceChunked = true;
        } else {
            kind = head ? Kind.NONE : Kind.CLOSE;
            if (!head) {
                this.keepAlive = false; // HTTP/1.0 without a length: the close ends the body
            }
        }
        return this;
    }

    Kind kind() {
        return kind;
    }

    /** The {@code Content-Length} value to announce, or null. */
    String contentLength() {
        return contentLength;
    }

    /** The body length the head announces, -1 when none is announced. */
    long fixedLength() {
        return fixedLength;
    }

    /** Whether the head says {@code Transfer-Encoding: chunked} (a HEAD response says what a GET would have). */
    boolean chunkedHead() {
        return announceChunked;
    }

    /** Whether body bytes follow the head at all. */
    boolean sendsBody() {
        return sendsBody;
    }

    /**
     * Whether the connection stays open after this response: it was to stay open ({@code open}:
     * the request allowed it and the server is not shutting down), the body is not ended by the
     * close, and the request did not announce a body ({@code Expect: 100-continue}) that was never
     * asked for ({@code continuePending}: the client may or may not send it, so the next bytes
     * cannot be trusted to be a request).
     */
    boolean keepAliveAfter(boolean open, boolean continuePending) {
        return open && keepAlive && !continuePending;
    }

    private static final String[] SMALL_LENGTHS = new String[4096];

    /** Decimal of a body length; the small ones computed once. */
    static String lengthString(long n) {
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
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("invalid Content-Length '" + v + "' set by the handler");
    }
}
