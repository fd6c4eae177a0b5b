package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw-byte conformance cases: every class of bad input gets its status, {@code Connection: close}
 * and a closed connection, while the server keeps serving; valid variants parse the same whether
 * written at once, split at every position, byte by byte or pipelined.
 */
class HttpConformanceTest {
    private static DisposableHttpServer server;

    @BeforeAll
    static void start() {
        server = HttpServer.create().maxTargetLength(1024).maxHeaderSize(2048).readTimeout(Duration.ofMillis(300))
                .route(TestRoutes::configure).bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(2));
    }

    static Stream<Arguments> badRequests() {
        String h = "Host: x\r\n";
        return Stream.of(
                Arguments.of("no Host in HTTP/1.1", "GET /hello HTTP/1.1\r\n\r\n", 400, "missing Host header"),
                Arguments.of("two Host headers", "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "more than one Host"),
                Arguments.of("invalid Host", "GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host header value"),
                Arguments.of("two spaces after the method", "GET  /hello HTTP/1.1\r\n" + h + "\r\n", 400, "empty request target"),
                Arguments.of("missing version", "GET /hello\r\n" + h + "\r\n", 400, "malformed request line"),
                Arguments.of("leading whitespace", " GET /hello HTTP/1.1\r\n" + h + "\r\n", 400, "starts with whitespace"),
                Arguments.of("bad version", "GET /hello HTTX/1.1\r\n" + h + "\r\n", 400, "malformed HTTP version"),
                Arguments.of("lowercase version", "GET /hello http/1.1\r\n" + h + "\r\n", 400, "malformed HTTP version"),
                Arguments.of("HTTP/2.0", "GET /hello HTTP/2.0\r\n" + h + "\r\n", 505, "HTTP/2.0 is not supported"),
                Arguments.of("HTTP/1.2", "GET /hello HTTP/1.2\r\n" + h + "\r\n", 505, "HTTP/1.2 is not supported"),
                Arguments.of("unknown method", "BREW /pot HTTP/1.1\r\n" + h + "\r\n", 501, "method BREW is not implemented"),
                Arguments.of("CONNECT", "CONNECT a:443 HTTP/1.1\r\n" + h + "\r\n", 501, "method CONNECT is not implemented"),
                Arguments.of("method with a bad character", "GE(T /hello HTTP/1.1\r\n" + h + "\r\n", 400, "in the method"),
                Arguments.of("control character in the target", "GET /a\u0001b HTTP/1.1\r\n" + h + "\r\n", 400, "in the request target"),
                Arguments.of("non-ASCII in the target", "GET /caf\u00e9 HTTP/1.1\r\n" + h + "\r\n", 400, "in the request target"),
                Arguments.of("relative target", "GET hello HTTP/1.1\r\n" + h + "\r\n", 400, "absolute path"),
                Arguments.of("asterisk with GET", "GET * HTTP/1.1\r\n" + h + "\r\n", 400, "OPTIONS *"),
                Arguments.of("target too long", "GET /" + "a".repeat(1100) + " HTTP/1.1\r\n" + h + "\r\n", 414, "longer than 1024"),
                Arguments.of("header section too large", "GET /hello HTTP/1.1\r\n" + h + "X-Big: " + "b".repeat(2100) + "\r\n\r\n",
                        431, "larger than 2048"),
                Arguments.of("obs-fold", "GET /hello HTTP/1.1\r\n" + h + "X-A: 1\r\n 2\r\n\r\n", 400, "obsolete line folding"),
                Arguments.of("space before colon", "GET /hello HTTP/1.1\r\nHost : x\r\n\r\n", 400, "whitespace between header name"),
                Arguments.of("no colon", "GET /hello HTTP/1.1\r\n" + h + "NoColon\r\n\r\n", 400, "without a colon"),
                Arguments.of("empty header name", "GET /hello HTTP/1.1\r\n" + h + ": v\r\n\r\n", 400, "empty header name"),
                Arguments.of("NUL in a value", "GET /hello HTTP/1.1\r\n" + h + "X-A: a\u0000b\r\n\r\n", 400, "code 0"),
                Arguments.of("bare LF", "GET /hello HTTP/1.1\n" + h + "\r\n", 400, "bare LF"),
                Arguments.of("bare CR", "GET /hello HTTP/1.1\r\nX-A: a\rb\r\n" + h + "\r\n", 400, "bare CR"),
                Arguments.of("CL and TE", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400, "both Content-Length and Transfer-Encoding"),
                Arguments.of("TE and CL", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
                        400, "both Content-Length and Transfer-Encoding"),
                Arguments.of("duplicate CL", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
                        400, "more than one Content-Length"),
                Arguments.of("CL list", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 3, 3\r\n\r\nabc", 400, "invalid Content-Length"),
                Arguments.of("negative CL", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: -1\r\n\r\n", 400, "invalid Content-Length"),
                Arguments.of("signed CL", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: +3\r\n\r\nabc", 400, "invalid Content-Length"),
                Arguments.of("huge CL", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 99999999999999999999\r\n\r\n", 400,
                        "invalid Content-Length"),
                Arguments.of("TE not ending in chunked", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, gzip\r\n\r\n",
                        400, "does not end in chunked"),
                Arguments.of("chunked twice", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                        400, "does not end in chunked"),
                Arguments.of("unknown TE", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501,
                        "transfer coding 'gzip' is not implemented"),
                Arguments.of("TE in HTTP/1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
                        "Transfer-Encoding in an HTTP/1.0 request"),
                Arguments.of("empty TE element", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: ,chunked\r\n\r\n", 400, "empty element"),
                Arguments.of("bad chunk size", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
                        "invalid chunk size"),
                Arguments.of("chunk size overflow", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "1FFFFFFFFFFFFFFFF\r\n", 400, "chunk size too large"),
                Arguments.of("chunk without CRLF", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", 400,
                        "chunk data not followed by CRLF"),
                Arguments.of("chunk size with bare LF", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n", 400,
                        "invalid character (code 10) after the chunk size"),
                Arguments.of("junk after the chunk size", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n5 junk\r\nhello\r\n0\r\n\r\n", 400,
                        "invalid character 'j' (code 106) after the chunk size"),
                Arguments.of("control char in a chunk extension", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "3;a=\u0001\r\nabc\r\n0\r\n\r\n", 400, "in a chunk extension"),
                Arguments.of("bad trailer", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
                        400, "whitespace between trailer name"),
                Arguments.of("unsupported expectation", "GET /hello HTTP/1.1\r\n" + h + "Expect: teapot\r\n\r\n", 417,
                        "unsupported expectation"),
                Arguments.of("too many empty lines first", "\r\n".repeat(9) + "GET /hello HTTP/1.1\r\n" + h + "\r\n", 400, "empty lines"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badRequests")
    void badInputGetsItsStatusAndACloseAndTheServerGoesOn(String name, String request, int status, String reason) throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write(request).read(false);
            assertThat(r.status()).as(name).isEqualTo(status);
            assertThat(r.bodyText()).as(name).contains(reason);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).as("connection closed after the error").isTrue();
        }
        try (RawHttp c = new RawHttp(server.port())) {
            assertThat(c.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false).bodyText()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void slowlorisGets408WithinTheReadTimeout() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            long start = System.nanoTime();
            c.write("GET /hello HTTP/1.1\r\nHo");
            Thread.sleep(100);
            c.write("st: x\r\nX-A"); // still trickling: the timeout counts from the first byte
            RawHttp.Response r = c.read(false);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).isEqualTo(408);
            assertThat(ms).isBetween(250L, 3000L);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleConnectionIsNotAnsweredWith408() throws Exception {
        DisposableHttpServer idle = HttpServer.create().idleTimeout(Duration.ofMillis(200)).route(TestRoutes::configure).bindNow();
        try (RawHttp c = new RawHttp(idle.port())) {
            assertThat(c.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false).status()).isEqualTo(200);
            assertThat(c.closedByServer()).as("closed quietly after the idle timeout").isTrue();
        } finally {
            idle.disposeNow(Duration.ofSeconds(1));
        }
    }

    /** Valid requests whose responses are known; the same under any delivery. */
    private static final String[][] VALID = {
        {"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", "Hello, World!"},
        {"\r\nGET /users/42?x=y HTTP/1.1\r\nhost: x\r\nX-Empty:\r\n\r\n", "user 42"},
        {"GET http://x/users/5 HTTP/1.1\r\nHost: x\r\n\r\n", "user 5"},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world", "hello world"},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b;c=\"d;e\"\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n",
            "wikipedia"},
        {"POST /echo HTTP/1.1\r\nHost: x\r\ntransfer-encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\nA: 1\r\nB: 2\r\n\r\n", "x"},
        {"GET /stream/3 HTTP/1.1\r\nHost: x\r\n\r\n", "chunk0;chunk1;chunk2;"},
    };

    @Test
    void validRequestsParseTheSameSplitAtEveryPosition() throws Exception {
        for (String[] v : VALID) {
            byte[] bytes = v[0].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int split = 1; split < bytes.length; split++) {
                try (RawHttp c = new RawHttp(server.port())) {
                    c.write(java.util.Arrays.copyOfRange(bytes, 0, split));
                    Thread.onSpinWait();
                    c.write(java.util.Arrays.copyOfRange(bytes, split, bytes.length));
                    assertThat(c.read(false).bodyText()).as("split at %d of %s", split, v[0]).isEqualTo(v[1]);
                }
            }
        }
    }

    @Test
    void validRequestsParseTheSameByteByByteAndPipelined() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            for (String[] v : VALID) {
                c.trickle(v[0]);
                assertThat(c.read(false).bodyText()).isEqualTo(v[1]);
            }
        }
        try (RawHttp c = new RawHttp(server.port())) {
            StringBuilder all = new StringBuilder();
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String[] v : VALID) {
                    all.append(v[0]);
                    expected.add(v[1]);
                }
            }
            c.write(all.toString());
            for (String e : expected) {
                assertThat(c.read(false).bodyText()).isEqualTo(e);
            }
        }
    }
}
