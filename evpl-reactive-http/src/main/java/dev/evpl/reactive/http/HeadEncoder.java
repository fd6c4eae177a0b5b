package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.util.Arrays;

/**
 * Writes a status line and header fields as ASCII/Latin-1 bytes into a pooled segment (header
 * values were validated when added: no CR/LF can reach the wire). Loop-confined: one per connection,
 * its scratch array reused.
 */
final class HeadEncoder {
    private byte[] scratch = new byte[512];
    private int len;

    /** Status lines, built once per version and code ("HTTP/1.1 200 OK\r\n"). */
    private static final String[][] STATUS_LINES = new String[2][600];

    private static String statusLine(HttpVersion version, int status) {
        String[] lines = STATUS_LINES[version.ordinal()];
        String line = lines[status];
        if (line == null) {
            line = version.text() + ' ' + status + ' ' + HttpStatus.reason(status) + "\r\n";
            lines[status] = line; // racy but idempotent: every thread computes the same string
        }
        return line;
    }

    HeadEncoder begin(HttpVersion version, int status) {
        len = 0;
        return append(statusLine(version, status));
    }

    HeadEncoder field(String name, String value) {
        return append(name).append(':').append(' ').append(value).crlf();
    }

    HeadEncoder fields(HttpHeaders headers) {
        for (int i = 0; i < headers.size(); i++) {
            field(headers.name(i), headers.value(i));
        }
        return this;
    }

    HeadEncoder crlf() {
        return append('\r').append('\n');
    }

    @SuppressWarnings("deprecation")
    HeadEncoder append(String s) {
        int n = s.length();
        ensure(n);
        // Latin-1 strings (all of ours: values were validated ≤ 0xFF) copy as a block.
        s.getBytes(0, n, scratch, len);
        len += n;
        return this;
    }

    HeadEncoder append(char c) {
        ensure(1);
        scratch[len++] = (byte) c;
        return this;
    }

    /** Appends a copy of {@code bytes}. */
    HeadEncoder append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, scratch, len, bytes.length);
        len += bytes.length;
        return this;
    }

    /** Appends a copy of {@code s}'s bytes. */
    HeadEncoder append(Segment s) {
        int n = s.readableBytes();
        ensure(n);
        s.getBytes(0, scratch, len, n);
        len += n;
        return this;
    }

    HeadEncoder appendInt(long v) {
        return append(Long.toString(v));
    }

    HeadEncoder appendHex(long v) {
        return append(Long.toHexString(v));
    }

    private void ensure(int n) {
        if (len + n > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(len + n, scratch.length * 2));
        }
    }

    /** The bytes written since {@link #begin} (or since {@link #reset}) as a new segment. */
    Segment toSegment(SegmentAllocator allocator) {
        Segment s = allocator.allocate(len);
        s.setBytes(0, scratch, 0, len);
        len = 0;
        return s;
    }

    HeadEncoder reset() {
        len = 0;
        return this;
    }
}
