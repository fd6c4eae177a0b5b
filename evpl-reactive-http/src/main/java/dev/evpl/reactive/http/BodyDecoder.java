package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.Arrays;

/**
 * Decodes a message body framed by Content-Length or by the chunked coding (RFC 9112 §7.1), fed
 * segments of any size. Data comes out as zero-copy slices of the input, at most one per
 * {@link #decode} call, so the caller delivers exactly as much as is demanded. Chunk extensions are
 * accepted and ignored; the trailer section is parsed like a header section and kept. Framing
 * errors are {@link HttpException}s (400; 431 for an over-large trailer section).
 *
 * <p>Loop-confined; reused per message.
 */
final class BodyDecoder {
    private static final int LENGTH = 1;
    private static final int SIZE = 2;
    private static final int EXTENSION = 3;
    private static final int SIZE_LF = 4;
    private static final int DATA = 5;
    private static final int DATA_CR = 6;
    private static final int DATA_LF = 7;
    private static final int TRAILER = 8;
    private static final int DONE = 9;
    /** Whitespace after the size: only more of it, ';' (an extension) or CR may follow (RFC 9112 BWS). */
    private static final int SIZE_BWS = 10;
    /** A chunk-size line (size and extensions) longer than this is rejected. */
    private static final int MAX_SIZE_LINE = 4096;

    private final int maxTrailerBlock;
    private int state = DONE;
    private long remaining;
    private int sizeDigits;
    private int lineLength;
    private boolean extensionQuoted;
    private byte[] trailerBuf;
    private int trailerLen;
    private int trailerLineStart;
    private HttpHeaders trailers;
    private Segment data;
    private long received;
    private boolean untilClose;

    BodyDecoder(int maxTrailerBlock) {
        this.maxTrailerBlock = maxTrailerBlock;
    }

    /** A body of exactly {@code length} bytes (0: done at once). */
    void startLength(long length) {
        reset();
        remaining = length;
        state = length == 0 ? DONE : LENGTH;
    }

    /** A body that ends when the connection closes (a response without length): call {@link #endOfInput()} then. */
    void startUntilClose() {
        reset();
        remaining = Long.MAX_VALUE;
        untilClose = true;
        state = LENGTH;
    }

    /** The connection closed: a close-delimited body ends here; any other unfinished body is truncated (false). */
    boolean endOfInput() {
        if (untilClose && state == LENGTH) {
            state = DONE;
            return true;
        }
        return state == DONE;
    }

    /** A chunked body. */
    void startChunked() {
        reset();
        state = SIZE;
    }

    /** No body. */
    void startEmpty() {
        reset();
        state = DONE;
    }

    private void reset() {
        remaining = 0;
        untilClose = false;
        sizeDigits = 0;
        lineLength = 0;
        extensionQuoted = false;
        trailerLen = 0;
        trailerLineStart = 0;
        trailers = null;
        received = 0;
        if (data != null) {
            data.release();
            data = null;
        }
    }

    boolean isDone() {
        return state == DONE;
    }

    /** Body bytes decoded so far. */
    long received() {
        return received;
    }

    /** The trailer section of a chunked body once done; empty otherwise. Read-only. */
    HttpHeaders trailers() {
        return trailers == null ? HttpHeaders.EMPTY : trailers;
    }

    /** The data slice the last {@link #decode} produced, or null; the caller owns it. */
    Segment takeData() {
        Segment d = data;
        data = null;
        return d;
    }

    /**
     * Consumes framing bytes of {@code in} from {@code from} and at most one run of data (then
     * stops, with the slice in {@link #takeData()}); returns the index after what was consumed.
     */
    int decode(Segment in, int from) {
        int end = in.readableBytes();
        int at = from;
        while (at < end && state != DONE && data == null) {
            switch (state) {
                case LENGTH, DATA -> {
                    int n = (int) Math.min(remaining, end - at);
                    data = in.slice(at, n);
                    at += n;
                    received += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == LENGTH ? DONE : DATA_CR;
                    }
                }
                case SIZE -> at = size(in, at);
                case EXTENSION -> at = extension(in, at);
                case SIZE_BWS -> at = sizeWhitespace(in, at);
                case SIZE_LF -> {
                    expect(in.getByte(at), (byte) '\n', "chunk size line not ended by CRLF");
                    at++;
                    if (remaining == 0) {
                        state = TRAILER;
                        trailers = new HttpHeaders();
                    } else {
                        state = DATA;
                    }
                }
                case DATA_CR -> {
                    expect(in.getByte(at), (byte) '\r', "chunk data not followed by CRLF");
                    at++;
                    state = DATA_LF;
                }
                case DATA_LF -> {
                    expect(in.getByte(at), (byte) '\n', "chunk data not followed by CRLF");
                    at++;
                    state = SIZE;
                    sizeDigits = 0;
                    lineLength = 0;
                }
                case TRAILER -> at = trailer(in, at, end);
                default -> throw new IllegalStateException("decoder state " + state);
            }
        }
        return at;
    }

    private static void expect(byte got, byte want, String message) {
        if (got != want) {
            throw new HttpException(400, message);
        }
    }

    private int size(Segment in, int at) {
        byte c = in.getByte(at);
        int v = Ascii.hexValue(c);
        if (v >= 0) {
            // Leading zeros do not count towards the limit that keeps the size from overflowing.
            if ((remaining != 0 || v != 0) && ++sizeDigits > 15) {
                throw new HttpException(400, "chunk size too large (more than 15 significant hex digits)");
            }
            remaining = (remaining << 4) | v;
            lineLength++;
            checkLine();
            return at + 1;
        }
        if (lineLength == 0) {
            throw new HttpException(400, "invalid chunk size (expected hex digits, got code " + (c & 0xFF) + ")");
        }
        if (c == '\r') {
            state = SIZE_LF;
            return at + 1;
        }
        if (c == ';') {
            state = EXTENSION;
            return at; // the extension state checks the character
        }
        if (c == ' ' || c == '\t') {
            state = SIZE_BWS;
            return at;
        }
        throw new HttpException(400, "invalid character (code " + (c & 0xFF) + ") after the chunk size");
    }

    /** After the size and whitespace: "5 ;ext" is an extension, "5 \r" the line's end, "5 junk" a 400. */
    private int sizeWhitespace(Segment in, int at) {
        byte c = in.getByte(at);
        if (c == ' ' || c == '\t') {
            lineLength++;
            checkLine();
            return at + 1;
        }
        if (c == ';') {
            state = EXTENSION;
            return at;
        }
        if (c == '\r') {
            state = SIZE_LF;
            return at + 1;
        }
        throw new HttpException(400, "invalid character '" + (char) (c & 0x7F) + "' (code " + (c & 0xFF)
                + ") after the chunk size: only whitespace, ';' and CRLF may follow it");
    }

    /** chunk-ext: accepted and ignored, but only printable characters, quoted strings balanced. */
    private int extension(Segment in, int at) {
        byte c = in.getByte(at);
        lineLength++;
        checkLine();
        if (c == '"') {
            extensionQuoted = !extensionQuoted;
        } else if (c == '\r' && !extensionQuoted) {
            state = SIZE_LF;
        } else if (!Ascii.isFieldValueChar(c)) {
            throw new HttpException(400, "invalid character (code " + (c & 0xFF) + ") in a chunk extension");
        }
        return at + 1;
    }

    private void checkLine() {
        if (lineLength > MAX_SIZE_LINE) {
            throw new HttpException(400, "chunk size line longer than " + MAX_SIZE_LINE + " bytes");
        }
    }

    private int trailer(Segment in, int at, int end) {
        if (trailerBuf == null) {
            trailerBuf = new byte[256];
        }
        while (at < end) {
            byte c = in.getByte(at++);
            if (trailerLen >= maxTrailerBlock + 2) {
                throw new HttpException(431, "trailer section larger than " + maxTrailerBlock + " bytes");
            }
            if (trailerLen == trailerBuf.length) {
                trailerBuf = Arrays.copyOf(trailerBuf, Math.min(trailerBuf.length * 2, maxTrailerBlock + 2));
            }
            trailerBuf[trailerLen++] = c;
            int lineLen = trailerLen - trailerLineStart;
            if (c == '\n') {
                if (lineLen < 2 || trailerBuf[trailerLen - 2] != '\r') {
                    throw new HttpException(400, "bare LF in the trailer section");
                }
                if (lineLen == 2) {
                    trailers.freeze();
                    state = DONE;
                    if (trailerBuf.length > 4096) {
                        trailerBuf = null;
                    }
                    return at;
                }
                Fields.parse(trailerBuf, trailerLineStart, trailerLen - 2, trailers, "trailer");
                trailerLineStart = trailerLen;
            } else if (lineLen >= 2 && trailerBuf[trailerLen - 2] == '\r') {
                throw new HttpException(400, "bare CR in the trailer section");
            }
        }
        return at;
    }

    /** Releases a data slice not taken (the connection is closing). */
    void close() {
        reset();
        state = DONE;
    }
}
