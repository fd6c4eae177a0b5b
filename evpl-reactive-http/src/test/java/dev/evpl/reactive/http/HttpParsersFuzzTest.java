package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;

/**
 * Coverage-guided fuzzing of the HTTP parsers: the request head parser, the response head
 * parser, and the body decoder (chunked and Content-Length). Whatever the bytes and however they
 * are cut into segments, a parser either completes, asks for more, or rejects with an
 * {@link HttpException} carrying a 4xx/5xx status and a message; anything else (another
 * exception, a hang, an unreleased segment: paranoid leak detection fails the test) is a bug.
 *
 * <p>In the normal build the seed corpus in {@code src/test/resources/.../HttpParsersFuzzTestInputs}
 * runs (regression mode); {@code JAZZER_FUZZ=1 mvn -pl evpl-reactive-http test
 * -Dtest=HttpParsersFuzzTest} fuzzes (docs/fuzzing.md). A crash the fuzzer finds is written next
 * to the seeds and so becomes a regression test.
 */
class HttpParsersFuzzTest {
    private static final SegmentAllocator ALLOC = new SegmentAllocator(BufferPool.global());

    /** Gives the allocator's buffer back: later suites in this JVM measure the pool's memory in use. */
    @org.junit.jupiter.api.AfterAll
    static void closeAllocator() {
        ALLOC.close();
    }

    /** Cuts {@code bytes} into segments after the lengths in {@code cutAt} (the last takes the rest). */
    private static Segment[] cut(int[] cutAt, byte[] bytes) {
        int pieces = cutAt.length;
        Segment[] out = new Segment[pieces];
        int at = 0;
        for (int i = 0; i < pieces; i++) {
            int n = i == pieces - 1 ? bytes.length - at : Math.min(cutAt[i], bytes.length - at);
            Segment s = ALLOC.allocate(n);
            s.setBytes(0, bytes, at, n);
            out[i] = s;
            at += n;
        }
        return out;
    }

    private static void checkRejection(HttpException e) {
        assertThat(e.status()).as(e.getMessage()).isBetween(400, 599);
        assertThat(e.getMessage()).isNotBlank();
    }

    @FuzzTest(maxDuration = "90s")
    void requestHeadParser(FuzzedDataProvider data) {
        int maxTarget = data.consumeInt(64, 4096);
        int maxHeaders = data.consumeInt(256, 8192);
        int[] cutAt = new int[1 + data.consumeInt(0, 3)];
        for (int i = 0; i < cutAt.length; i++) {
            cutAt[i] = data.consumeInt(0, 1 << 12);
        }
        byte[] bytes = data.consumeRemainingAsBytes();
        RequestHeadParser parser = new RequestHeadParser(maxTarget, maxHeaders);
        Segment[] pieces = cut(cutAt, bytes);
        try {
            for (Segment s : pieces) {
                int at = 0;
                while (at < s.readableBytes() && !parser.isComplete()) {
                    int next = parser.feed(s, at);
                    assertThat(next).isGreaterThanOrEqualTo(at);
                    if (next == at) {
                        break;
                    }
                    at = next;
                }
                if (parser.isComplete()) {
                    assertThat(parser.version).isNotNull();
                    reparse(parser, pieces, s, at);
                    break;
                }
            }
        } catch (HttpException e) {
            checkRejection(e);
        } finally {
            for (Segment s : pieces) {
                s.release();
            }
        }
    }

    /**
     * The head just parsed, fed again to the same parser (which reuses what it parsed for a
     * repeated head) and to a fresh one, gives the same result: pieces up to {@code last}, of which
     * {@code [0, end)}.
     */
    private static void reparse(RequestHeadParser parser, Segment[] pieces, Segment last, int end) {
        String first = describe(parser);
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        for (Segment s : pieces) {
            int n = s == last ? end : s.readableBytes();
            byte[] b = new byte[n];
            s.getBytes(0, b, 0, n);
            head.writeBytes(b);
            if (s == last) {
                break;
            }
        }
        Segment again = ALLOC.copyOf(head.toByteArray());
        try {
            parser.reset();
            parser.feed(again, 0);
            assertThat(parser.isComplete()).isTrue();
            assertThat(describe(parser)).isEqualTo(first);
        } finally {
            again.release();
        }
    }

    private static String describe(RequestHeadParser p) {
        return p.method + " " + p.target + " " + p.version + " " + p.headers + " " + p.contentLength + " " + p.chunked
                + " " + p.keepAlive + " " + p.expectContinue;
    }

    @FuzzTest(maxDuration = "90s")
    void responseHeadParser(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        ResponseHeadParser parser = new ResponseHeadParser(8192);
        Segment s = ALLOC.allocate(bytes.length);
        s.setBytes(0, bytes, 0, bytes.length);
        try {
            parser.feed(s, 0);
        } catch (HttpException e) {
            assertThat(e.getMessage()).isNotBlank();
        } finally {
            s.release();
        }
    }

    @FuzzTest(maxDuration = "90s")
    void bodyDecoder(FuzzedDataProvider data) {
        boolean chunked = data.consumeBoolean();
        long length = data.consumeLong(0, 1 << 20);
        int pieces = 1 + data.consumeInt(0, 3);
        int[] cutAt = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            cutAt[i] = data.consumeInt(0, 1 << 12);
        }
        byte[] bytes = data.consumeRemainingAsBytes();
        BodyDecoder decoder = new BodyDecoder(1024);
        if (chunked) {
            decoder.startChunked();
        } else {
            decoder.startLength(Math.max(1, length));
        }
        long delivered = 0;
        int at = 0;
        try {
            for (int i = 0; i < pieces && !decoder.isDone(); i++) {
                int n = i == pieces - 1 ? bytes.length - at : Math.min(cutAt[i], bytes.length - at);
                Segment s = ALLOC.allocate(n);
                s.setBytes(0, bytes, at, n);
                at += n;
                try {
                    int off = 0;
                    while (off < s.readableBytes() && !decoder.isDone()) {
                        int next = decoder.decode(s, off);
                        Segment out = decoder.takeData();
                        if (out != null) {
                            delivered += out.readableBytes();
                            out.release();
                        }
                        if (next == off) {
                            break;
                        }
                        off = next;
                    }
                } finally {
                    s.release();
                }
            }
            assertThat(delivered).isLessThanOrEqualTo(bytes.length);
            if (!chunked) {
                assertThat(delivered).isLessThanOrEqualTo(Math.max(1, length));
            }
        } catch (HttpException e) {
            checkRejection(e);
        } finally {
            decoder.close();
        }
    }
}
