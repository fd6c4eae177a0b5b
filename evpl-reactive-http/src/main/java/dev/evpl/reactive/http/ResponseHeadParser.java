package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.Arrays;

/**
 * Incremental, strict parser of a response head (status line and header section, RFC 9112 §4–§6)
 * for the client; fed like {@link RequestHeadParser}. Errors are {@link HttpException}s with status
 * 0 naming what was malformed. Loop-confined, reused per response.
 */
final class ResponseHeadParser {
    private static final int COPY_BLOCK = 256;
    private final int maxHeaderBlock;
    private byte[] buf = new byte[512];
    private int len;
    private int lineStart;
    private int scan;
    private boolean statusLineDone;
    private boolean complete;

    HttpVersion version;
    int status;
    String reason;
    HttpHeaders headers;

    ResponseHeadParser(int maxHeaderBlock) {
        this.maxHeaderBlock = maxHeaderBlock;
        reset();
    }

    void reset() {
        len = 0;
        lineStart = 0;
        scan = 0;
        statusLineDone = false;
        complete = false;
        version = null;
        status = 0;
        reason = null;
        headers = new HttpHeaders();
    }

    boolean started() {
        return len > 0;
    }

    boolean isComplete() {
        return complete;
    }

    int feed(Segment in, int from) {
        int end = in.readableBytes();
        int at = from;
        while (!complete && at < end) {
            int n = Math.min(COPY_BLOCK, end - at);
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
            }
            in.getBytes(at, buf, len, n);
            int before = len;
            len += n;
            scanLines();
            at += complete ? scan - before : n;
            if (complete) {
                len = scan;
            }
        }
        return at;
    }

    private void scanLines() {
        while (scan < len) {
            byte c = buf[scan];
            if (c == '\n') {
                if (scan == lineStart || buf[scan - 1] != '\r') {
                    throw new HttpException(0, "malformed response: bare LF in the head");
                }
                int lineEnd = scan - 1;
                scan++;
                line(lineStart, lineEnd);
                lineStart = scan;
                if (complete) {
                    return;
                }
                continue;
            }
            scan++;
            if (scan > maxHeaderBlock + 1024) {
                throw new HttpException(0, "malformed response: head larger than " + (maxHeaderBlock + 1024) + " bytes");
            }
        }
    }

    private void line(int s, int e) {
        if (!statusLineDone) {
            statusLine(s, e);
            statusLineDone = true;
            return;
        }
        if (s == e) {
            complete = true;
            headers.freeze();
            return;
        }
        try {
            Fields.parse(buf, s, e, headers, "header");
        } catch (HttpException ex) {
            throw new HttpException(0, "malformed response: " + ex.getMessage());
        }
    }

    /** {@code HTTP/1.x SP 3DIGIT SP [reason]}. */
    private void statusLine(int s, int e) {
        if (e - s < 12 || buf[s] != 'H' || buf[s + 1] != 'T' || buf[s + 2] != 'T' || buf[s + 3] != 'P' || buf[s + 4] != '/'
                || buf[s + 5] != '1' || buf[s + 6] != '.' || (buf[s + 7] != '0' && buf[s + 7] != '1') || buf[s + 8] != ' ') {
            throw new HttpException(0, "malformed response status line '" + Ascii.string(buf, s, Math.min(e, s + 40)) + "'");
        }
        version = buf[s + 7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        int code = 0;
        for (int i = s + 9; i < s + 12; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                throw new HttpException(0, "malformed response status code in '" + Ascii.string(buf, s, Math.min(e, s + 40)) + "'");
            }
            code = code * 10 + (buf[i] - '0');
        }
        if (code < 100) {
            throw new HttpException(0, "malformed response status code " + code);
        }
        if (e > s + 12 && buf[s + 12] != ' ') {
            throw new HttpException(0, "malformed response status line (no space after the code)");
        }
        for (int i = s + 13; i < e; i++) {
            if (!Ascii.isFieldValueChar(buf[i])) {
                throw new HttpException(0, "invalid character (code " + (buf[i] & 0xFF) + ") in the response reason phrase");
            }
        }
        status = code;
        reason = e > s + 13 ? Ascii.string(buf, s + 13, e) : "";
    }
}
