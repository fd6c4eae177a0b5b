package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request head parser reuses what it parsed when a head repeats the last one line for line
 * ({@link RequestHeadParser}): these tests check that reuse changes no outcome. Seeded sequences of
 * similar heads (one line changed, added, dropped, re-cased, made invalid, leading empty lines,
 * random segment cuts) go through one reused parser and through a fresh parser each; the results
 * (fields, framing, the error and its message) must be equal. Then over a real socket: pipelined
 * requests that differ in one header each get their own headers back.
 */
class RepeatedHeadTest {
    private static final SegmentAllocator ALLOC = new SegmentAllocator(BufferPool.global());

    @AfterAll
    static void closeAllocator() {
        ALLOC.close();
    }

    private static final String[] TARGETS = {"/hello", "/hello?x=1", "/a/b", "*", "http://h/x"};
    private static final String[] METHODS = {"GET", "POST", "OPTIONS", "HEAD", "BREW"};
    private static final String[][] FIELDS = {
        {"Host", "example.com"}, {"host", "example.com"}, {"Host", "other"}, {"Host", "bad host"},
        {"Accept", "*/*"}, {"User-Agent", "wrk"}, {"Content-Length", "12"}, {"Content-Length", "x1"},
        {"Transfer-Encoding", "chunked"}, {"Connection", "close"}, {"Connection", "keep-alive"},
        {"Expect", "100-continue"}, {"X-Trace", "abc"}, {"X-Trace", "abd"}, {"X-Trace", "ab"}, {"Host", "example.co"}, {"Bad Name", "v"},
    };

    static IntStream seeds() {
        return IntStream.range(0, 200);
    }

    /** A head near {@code base}: each part kept most of the time, else replaced. */
    private static String head(Random random, List<Integer> base) {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(20) == 0) {
            sb.append("\r\n");
        }
        boolean mutateLine = random.nextInt(3) == 0;
        sb.append(mutateLine ? METHODS[random.nextInt(METHODS.length)] : "GET").append(' ')
                .append(mutateLine ? TARGETS[random.nextInt(TARGETS.length)] : "/hello").append(' ')
                .append(random.nextInt(10) == 0 ? "HTTP/1.0" : "HTTP/1.1").append("\r\n");
        for (int i : base) {
            int f = random.nextInt(6) == 0 ? random.nextInt(FIELDS.length) : i;
            if (random.nextInt(12) == 0) {
                continue; // dropped
            }
            sb.append(FIELDS[f][0]).append(": ").append(FIELDS[f][1]).append("\r\n");
            if (random.nextInt(15) == 0) {
                sb.append("X-Extra: ").append(random.nextInt(3)).append("\r\n");
            }
        }
        return sb.append("\r\n").toString();
    }

    /** Everything a parse gives, or its error. */
    private static String parse(RequestHeadParser parser, byte[] bytes, Random cuts) {
        List<Segment> pieces = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + cuts.nextInt(bytes.length));
            Segment s = ALLOC.allocate(n);
            s.setBytes(0, bytes, at, n);
            pieces.add(s);
            at += n;
        }
        try {
            for (Segment s : pieces) {
                int next = parser.feed(s, 0);
                if (parser.isComplete()) {
                    assertThat(next).isEqualTo(s.readableBytes());
                    return parser.method + " " + parser.target + " " + parser.version + " " + parser.headers
                            + " readOnly=" + parser.headers.isReadOnly() + " length=" + parser.contentLength
                            + " chunked=" + parser.chunked + " keepAlive=" + parser.keepAlive
                            + " continue=" + parser.expectContinue;
                }
            }
            return "incomplete";
        } catch (HttpException e) {
            return "error " + e.status() + " " + e.getMessage();
        } finally {
            pieces.forEach(Segment::release);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aReusedParserGivesWhatAFreshOneGives(int seed) {
        Random random = new Random(seed);
        List<Integer> base = new ArrayList<>(List.of(0, 4, 5));
        if (random.nextBoolean()) {
            base.add(12);
        }
        RequestHeadParser reused = new RequestHeadParser(256, 4096);
        String previous = null;
        int repeats = 0;
        for (int i = 0; i < 40; i++) {
            String head = random.nextInt(3) == 0 && previous != null ? previous : head(random, base);
            repeats += head.equals(previous) ? 1 : 0;
            previous = head;
            byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
            long cutSeed = random.nextLong();
            String fresh = parse(new RequestHeadParser(256, 4096), bytes, new Random(cutSeed));
            String got = parse(reused, bytes, new Random(cutSeed));
            assertThat(got).as("head %d of seed %d:\n%s", i, seed, head).isEqualTo(fresh);
            if (got.startsWith("error")) {
                reused = new RequestHeadParser(256, 4096); // as the connection: a failed head ends it
            } else {
                reused.reset();
            }
        }
        assertThat(repeats).as("the sequence repeats heads").isPositive();
    }

    private static RequestHeadParser parsed(RequestHeadParser p, String head) {
        assertThat(parse(p, head.getBytes(StandardCharsets.ISO_8859_1), new Random(1))).doesNotStartWith("error");
        return p;
    }

    @Test
    void aRepeatedHeadSharesTheLastHeadsFieldsAndADifferentOneDoesNotChangeThem() {
        RequestHeadParser p = new RequestHeadParser(256, 4096);
        HttpHeaders first = parsed(p, "GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Id: 1\r\n\r\n").headers;
        String target = p.target;
        p.reset();
        HttpHeaders second = parsed(p, "GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Id: 1\r\n\r\n").headers;
        assertThat(second).isSameAs(first);
        assertThat(p.target).isSameAs(target);
        p.reset();
        HttpHeaders third = parsed(p, "GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Id: 2\r\n\r\n").headers;
        assertThat(third).isNotSameAs(first);
        assertThat(third.value(1)).isSameAs(first.value(1)); // the lines before the change are not parsed again
        assertThat(third.get("X-Id")).isEqualTo("2");
        assertThat(first.get("X-Id")).isEqualTo("1");
        assertThat(first.isReadOnly()).isTrue();
        p.reset();
        HttpHeaders fourth = parsed(p, "GET /b HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Id: 2\r\n\r\n").headers;
        assertThat(p.target).isEqualTo("/b");
        assertThat(fourth).isNotSameAs(third);
        assertThat(fourth.toString()).isEqualTo(third.toString());
    }

    @Test
    void pipelinedRequestsThatDifferInOneHeaderEachGetTheirOwn() throws Exception {
        DisposableHttpServer server = HttpServer.create().route(TestRoutes::configure).bindNow();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(10_000);
            StringBuilder requests = new StringBuilder();
            String[] ids = {"1", "1", "2", "2", "1", "3", "3"};
            for (String id : ids) {
                requests.append("GET /inspect HTTP/1.1\r\nHost: h\r\nX-Id: ").append(id).append("\r\n\r\n");
            }
            requests.append("GET /inspect?last HTTP/1.1\r\nHost: h\r\nX-Id: 3\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            List<String> seen = new ArrayList<>();
            int at = 0;
            while ((at = all.indexOf("[\"X-Id\",\"", at)) >= 0) {
                at += 9;
                seen.add(all.substring(at, all.indexOf('"', at)));
            }
            assertThat(seen).containsExactly("1", "1", "2", "2", "1", "3", "3", "3");
            assertThat(all).contains("\"target\":\"/inspect?last\"");
        } finally {
            server.disposeNow(Duration.ofSeconds(2));
        }
    }
}
