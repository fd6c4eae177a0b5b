package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.Arrays;

/**
 * The line scanning both head parsers share: bytes are copied from segments of any size, in
 * blocks of 256, into one growing array and split into CRLF-terminated lines (a bare CR or LF is an
 * error: lenient line endings are a request-smuggling vector); the bytes after the empty line that
 * ends the head stay in the segment. Loop-confined, reused per message.
 */
abstract class HeadScanner {
    private static final int COPY_BLOCK = 256;
    byte[] buf = new byte[512];
    private int len;
    private int lineStart;
    int scan;
    boolean complete;

    /** Ready for the next head. */
    final void resetScanner() {
        len = 0;
        lineStart = 0;
        scan = 0;
        complete = false;
        if (buf.length > 4096) {
            buf = new byte[512]; // a huge head does not pin a huge array for the connection's life
        }
    }

    /** Whether bytes of a head were received. */
    final boolean started() {
        return len > 0;
    }

    final boolean isComplete() {
        return complete;
    }

    /** Consumes bytes of {@code in} from {@code from} until the head is complete or the segment ends; returns the next index. */
    final int feed(Segment in, int from) {
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
            // Bytes copied past the head's end stay in the segment: give them back.
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
                    throw malformed("bare LF in the " + where() + " (lines must end in CRLF)");
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
            if (scan > lineStart && buf[scan - 1] == '\r') {
                throw malformed("bare CR in the " + where());
            }
            scan++;
            checkLimits(lineStart);
        }
    }

    /** A complete line {@code buf[s, e)} (CRLF removed); an empty one ends the head (set {@link #complete}). */
    abstract void line(int s, int e);

    /** After each byte of a line that started at {@code lineStart}: throw when a limit is passed. */
    abstract void checkLimits(int lineStart);

    /** Where the scanner is, for messages ("request line", "header section"…). */
    abstract String where();

    /** The error for malformed input. */
    abstract HttpException malformed(String message);
}
