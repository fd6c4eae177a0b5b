package dev.evpl.reactive.http;

import java.util.Arrays;

/**
 * Incremental, strict parser of a request head (request line and header section, RFC 9112 §2–§6),
 * fed with segments of any size: bytes are copied in small blocks into one growing array until the
 * empty line, so the head may arrive byte by byte; the bytes after it (body, next request) are left
 * in the segment. Errors are {@link HttpException}s carrying the status to answer: 400 malformed,
 * 414 target too long, 431 header section too large, 501 unknown method or transfer coding, 505
 * version, 417 expectation. Lines end in CRLF only (a bare CR or LF is rejected: lenient line
 * endings are a request-smuggling vector). Up to 8 empty lines before a request are ignored.
 *
 * <p>A client on a persistent connection mostly repeats itself (the same request line and header
 * lines, request after request). The parser keeps the last head it parsed, its bytes and what they
 * gave (the strings, the frozen header list, the framing); a line equal, at the same offset, to
 * that head's line is not parsed again, so a repeated head costs a byte comparison per line and
 * allocates nothing, and a head that differs from some line on reuses the strings of the lines
 * before it. Equal bytes parse to equal results, so this changes no outcome: an invalid line never
 * becomes the last head (a head that failed ends the connection).
 *
 * <p>Loop-confined; reused for every request of a connection ({@link #reset()}).
 */
final class RequestHeadParser extends HeadScanner {
    /** Room for the method, two spaces, the version and CRLF beside the target. */
    private static final int REQUEST_LINE_OVERHEAD = 32;
    private static final int MAX_LEADING_EMPTY_LINES = 8;

    private final int maxTarget;
    private final int maxHeaderBlock;
    private final int maxRequestLine;
    private boolean requestLineDone;
    private int headerBlockStart;
    private int emptyLines;
    /** Every line so far equals the last head's at the same offset. */
    private boolean same;
    /** Header lines of this head that equal the last head's (their fields are the last head's). */
    private int sameFields;

    /** The last head parsed, as bytes {@code [0, lastLength)} (0: none) and what it gave. */
    private byte[] last;
    private int lastLength;
    private String lastTarget;
    private HttpVersion lastVersion;
    private String lastMethod;
    private HttpHeaders lastHeaders;
    private long lastContentLength;
    private boolean lastChunked;
    private boolean lastKeepAlive;
    private boolean lastExpectContinue;
    /** Heads (and scan arrays) larger than this are not kept for reuse: a huge head does not pin its array for the connection's life. */
    private static final int MAX_KEPT = 4096;
    /** The head in {@code buf} was kept: {@link #reset} makes {@code buf} the last head's array. */
    private boolean kept;

    String method;
    String target;
    HttpVersion version;
    HttpHeaders headers;
    /** -1 when the request has no Content-Length. */
    long contentLength;
    boolean chunked;
    boolean keepAlive;
    boolean expectContinue;

    RequestHeadParser(int maxTarget, int maxHeaderBlock) {
        this.maxTarget = maxTarget;
        this.maxHeaderBlock = maxHeaderBlock;
        this.maxRequestLine = maxTarget + REQUEST_LINE_OVERHEAD;
        reset();
    }

    /** Ready for the next request. */
    void reset() {
        if (kept) {
            // The head just parsed becomes the last one by trading arrays, not by copying its bytes.
            kept = false;
            byte[] scratch = last;
            last = buf;
            buf = scratch != null ? scratch : new byte[512];
        }
        resetScanner();
        requestLineDone = false;
        headerBlockStart = 0;
        emptyLines = 0;
        method = null;
        target = null;
        version = null;
        headers = null; // made at the first header line that is not the last head's
        same = lastLength > 0;
        sameFields = 0;
        contentLength = -1;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
    }

    @Override
    String where() {
        return requestLineDone ? "request header section" : "request line";
    }

    @Override
    HttpException malformed(String message) {
        return new HttpException(400, message);
    }

    @Override
    void checkLimits(int lineStart) {
        if (!requestLineDone) {
            if (scan - lineStart > maxRequestLine) {
                // Over-long because of the target (a method and a space, then no second space yet)?
                int sp = indexOf(lineStart, scan, (byte) ' ');
                if (sp > 0 && indexOf(sp + 1, scan, (byte) ' ') < 0) {
                    throw new HttpException(414, "request target longer than " + maxTarget + " bytes");
                }
                throw new HttpException(400, "request line longer than " + maxRequestLine + " bytes");
            }
        } else if (scan - headerBlockStart > maxHeaderBlock) {
            throw new HttpException(431, "header section larger than " + maxHeaderBlock + " bytes");
        }
    }

    private int indexOf(int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    void line(int s, int e) {
        // The line with its CRLF equal to the last head's at the same offset: parsed before, to the same result.
        boolean repeated = same && e + 2 <= lastLength && Arrays.equals(buf, s, e + 2, last, s, e + 2);
        same = repeated;
        if (!requestLineDone) {
            if (s == e) {
                if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                    throw new HttpException(400, "more than " + MAX_LEADING_EMPTY_LINES + " empty lines before the request line");
                }
                return;
            }
            if (repeated) {
                method = lastMethod;
                target = lastTarget;
                version = lastVersion;
            } else {
                requestLine(s, e);
            }
            requestLineDone = true;
            headerBlockStart = scan;
            return;
        }
        if (s == e) {
            complete = true;
            if (repeated && e + 2 == lastLength) {
                headers = lastHeaders;
                contentLength = lastContentLength;
                chunked = lastChunked;
                keepAlive = lastKeepAlive;
                expectContinue = lastExpectContinue;
                return;
            }
            fields().freeze();
            semantics();
            keep();
            return;
        }
        if (repeated) {
            sameFields++;
            return;
        }
        Fields.parse(buf, s, e, fields(), "header");
    }

    /** The header list of this head, made on first need with the fields it shares with the last head. */
    private HttpHeaders fields() {
        HttpHeaders h = headers;
        if (h == null) {
            h = headers = new HttpHeaders();
            for (int i = 0; i < sameFields; i++) {
                h.append(lastHeaders.name(i), lastHeaders.value(i));
            }
        }
        return h;
    }

    /** Keeps the head just parsed (valid: its semantics passed) as the one the next is compared with. */
    private void keep() {
        int n = scan;
        if (n > MAX_KEPT || buf.length > MAX_KEPT) {
            lastLength = 0;
            lastHeaders = null;
            lastTarget = null;
            return;
        }
        kept = true;
        lastLength = n;
        lastMethod = method;
        lastTarget = target;
        lastVersion = version;
        lastHeaders = headers;
        lastContentLength = contentLength;
        lastChunked = chunked;
        lastKeepAlive = keepAlive;
        lastExpectContinue = expectContinue;
    }

    private void requestLine(int s, int e) {
        int sp1 = indexOf(s, e, (byte) ' ');
        if (sp1 < 0) {
            throw new HttpException(400, "malformed request line (expected: method SP target SP version)");
        }
        if (sp1 == s) {
            throw new HttpException(400, "request line starts with whitespace");
        }
        for (int i = s; i < sp1; i++) {
            if (!Ascii.isTokenChar(buf[i])) {
                throw new HttpException(400, "invalid character (code " + (buf[i] & 0xFF) + ") in the method");
            }
        }
        int sp2 = indexOf(sp1 + 1, e, (byte) ' ');
        if (sp2 < 0) {
            throw new HttpException(400, "malformed request line (expected: method SP target SP version)");
        }
        if (sp2 == sp1 + 1) {
            throw new HttpException(400, "empty request target (or two spaces after the method)");
        }
        if (sp2 - sp1 - 1 > maxTarget) {
            throw new HttpException(414, "request target longer than " + maxTarget + " bytes");
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            if (!Ascii.isTargetChar(buf[i])) {
                throw new HttpException(400, "invalid character (code " + (buf[i] & 0xFF) + ") in the request target");
            }
        }
        version = version(sp2 + 1, e);
        method = HttpMethods.canonical(buf, s, sp1);
        if (method == null) {
            throw new HttpException(501, "method " + Ascii.string(buf, s, sp1) + " is not implemented");
        }
        target = Ascii.string(buf, sp1 + 1, sp2);
        char first = target.charAt(0);
        if (first == '*') {
            if (target.length() != 1 || !method.equals("OPTIONS")) {
                throw new HttpException(400, "asterisk-form target is only valid as 'OPTIONS *'");
            }
        } else if (first != '/' && !(startsWithIgnoreCase(target, "http://") || startsWithIgnoreCase(target, "https://"))) {
            throw new HttpException(400, "request target must be an absolute path or an absolute http(s) URI, got '"
                    + target.substring(0, Math.min(64, target.length())) + "'");
        }
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private HttpVersion version(int s, int e) {
        if (e - s == 8 && buf[s] == 'H' && buf[s + 1] == 'T' && buf[s + 2] == 'T' && buf[s + 3] == 'P' && buf[s + 4] == '/'
                && isDigit(buf[s + 5]) && buf[s + 6] == '.' && isDigit(buf[s + 7])) {
            if (buf[s + 5] == '1' && buf[s + 7] == '1') {
                return HttpVersion.HTTP_1_1;
            }
            if (buf[s + 5] == '1' && buf[s + 7] == '0') {
                return HttpVersion.HTTP_1_0;
            }
            throw new HttpException(505, "HTTP version " + Ascii.string(buf, s, e) + " is not supported");
        }
        throw new HttpException(400, "malformed HTTP version '" + Ascii.string(buf, s, Math.min(e, s + 16)) + "'");
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Message framing and connection rules of RFC 9112 §3.2, §6, §9 and RFC 9110 §10.1.1. */
    private void semantics() {
        int hosts = 0;
        int lengths = 0;
        String lengthValue = null;
        boolean te = false;
        boolean close = false;
        boolean keepAliveToken = false;
        String expect = null;
        // One pass; names are compared by length first (most headers match none of these).
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            switch (name.length()) {
                case 4 -> {
                    if (name.equalsIgnoreCase("Host")) {
                        hosts++;
                        String value = headers.value(i);
                        if (value.indexOf(' ') >= 0 || value.indexOf('\t') >= 0 || value.indexOf('/') >= 0) {
                            throw new HttpException(400, "invalid Host header value '" + value + "'");
                        }
                    }
                }
                case 6 -> {
                    if (name.equalsIgnoreCase("Expect")) {
                        expect = headers.value(i);
                    }
                }
                case 10 -> {
                    if (name.equalsIgnoreCase("Connection")) {
                        String value = headers.value(i);
                        close |= HttpHeaders.hasToken(value, "close");
                        keepAliveToken |= HttpHeaders.hasToken(value, "keep-alive");
                    }
                }
                case 14 -> {
                    if (name.equalsIgnoreCase("Content-Length")) {
                        lengths++;
                        lengthValue = headers.value(i);
                    }
                }
                case 17 -> {
                    if (name.equalsIgnoreCase("Transfer-Encoding")) {
                        te = true;
                        transferCodings(headers.value(i));
                    }
                }
                default -> { }
            }
        }
        if (hosts > 1) {
            throw new HttpException(400, "more than one Host header");
        }
        if (hosts == 0 && version == HttpVersion.HTTP_1_1) {
            throw new HttpException(400, "missing Host header (required in HTTP/1.1)");
        }
        if (te) {
            if (version == HttpVersion.HTTP_1_0) {
                throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (lengths > 0) {
                throw new HttpException(400, "both Content-Length and Transfer-Encoding (a request-smuggling shape)");
            }
            if (!chunked) {
                throw new HttpException(400, "Transfer-Encoding does not end in chunked");
            }
        }
        if (lengths > 1) {
            throw new HttpException(400, "more than one Content-Length header");
        }
        if (lengths == 1) {
            contentLength = parseLength(lengthValue);
        }
        keepAlive = version == HttpVersion.HTTP_1_1 ? !close : keepAliveToken;
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new HttpException(417, "unsupported expectation '" + expect + "'");
            }
            expectContinue = version == HttpVersion.HTTP_1_1;
        }
    }

    /** Only chunked is implemented, once and last; anything else is 501 (unknown) or 400 (misplaced). */
    private void transferCodings(String value) {
        int start = 0;
        for (;;) {
            int comma = value.indexOf(',', start);
            String coding = (comma < 0 ? value.substring(start) : value.substring(start, comma)).trim();
            if (coding.isEmpty()) {
                throw new HttpException(400, "empty element in Transfer-Encoding '" + value + "'");
            }
            if (chunked) {
                throw new HttpException(400, "Transfer-Encoding does not end in chunked (chunked applied more than once or not last)");
            }
            if (coding.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else {
                int semi = coding.indexOf(';');
                String name = semi < 0 ? coding : coding.substring(0, semi).trim();
                throw new HttpException(501, "transfer coding '" + name + "' is not implemented");
            }
            if (comma < 0) {
                return;
            }
            start = comma + 1;
        }
    }

    private static long parseLength(String v) {
        if (v.isEmpty() || v.length() > 18) {
            throw new HttpException(400, "invalid Content-Length '" + v + "'");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpException(400, "invalid Content-Length '" + v + "' (digits only, one value)");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
