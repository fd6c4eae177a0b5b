package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.testsupport.LoopErrorsExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's behaviour on valid requests, over real loopback sockets; the whole class runs on TCP
 * over epoll and on TCP over io_uring (where io_uring works): the same HTTP code on each protocol.
 */
@org.junit.jupiter.params.ParameterizedClass
@org.junit.jupiter.params.provider.ValueSource(strings = {"STREAM_SOCKET_TCP", "STREAM_IO_URING_TCP"})
class HttpServerTest {
    @org.junit.jupiter.params.Parameter
    String protocolName;
    private DisposableHttpServer server;

    @BeforeEach
    void start() {
        dev.evpl.reactive.core.bind.Protocol protocol = dev.evpl.reactive.core.bind.Protocol.lookup(protocolName);
        org.junit.jupiter.api.Assumptions.assumeTrue(protocol.isAvailable(), () -> protocolName + ": " + protocol.unavailableReason());
        server = HttpServer.create().protocol(protocol).route(TestRoutes::configure).bindNow();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(2));
        }
    }

    @Test
    void getHelloWithKeepAlive() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = c.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.reason()).isEqualTo("OK");
                assertThat(r.bodyText()).isEqualTo("Hello, World!");
                assertThat(r.header("Content-Length")).isEqualTo("13");
                assertThat(r.header("Content-Type")).isEqualTo("text/plain");
                assertThat(r.count("Date")).isEqualTo(1);
                assertThat(r.header("Date")).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
                assertThat(r.header("Connection")).isNull();
                assertThat(r.header("Transfer-Encoding")).isNull();
            }
        }
    }

    @Test
    void chunkSizesWithWhitespaceBeforeAnExtensionOrTheLineEndAreAccepted() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5 ;ext=1\r\nhello\r\n1\t \r\n!\r\n0\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("hello!");
        }
    }

    @Test
    void sendStringSaysUtf8TextUnlessTheHandlerNamedAType() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response user = c.write("GET /users/7 HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(user.bodyText()).isEqualTo("user 7");
            assertThat(user.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            RawHttp.Response streamed = c.write("GET /stream/2 HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(streamed.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            RawHttp.Response named = c.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(named.header("Content-Type")).isEqualTo("text/plain"); // the handler's own, once
            assertThat(named.count("Content-Type")).isEqualTo(1);
            RawHttp.Response bytes = c.write("GET /bytes HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(bytes.header("Content-Type")).isNull(); // bytes have no implied type
            RawHttp.Response late = c.write("GET /late-type HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(late.header("Content-Type")).isEqualTo("text/csv");
            assertThat(late.count("Content-Type")).isEqualTo(1);
            assertThat(late.bodyText()).isEqualTo("a,b");
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveAndGetsNoChunkedBody() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /hello HTTP/1.0\r\n\r\n").read(false);
            assertThat(r.version()).isEqualTo("HTTP/1.0");
            assertThat(r.bodyText()).isEqualTo("Hello, World!");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read(false);
            assertThat(r.header("Connection")).isEqualTo("keep-alive");
            assertThat(c.write("GET /stream/3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read(false).bodyText())
                    .as("a streamed body to 1.0 is close-delimited").isEqualTo("chunk0;chunk1;chunk2;");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aBodySentFromAnotherThreadGetsDemandAtOnce() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /ticks/300 HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(200);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                expected.append('t').append(i).append(';');
            }
            assertThat(r.bodyText()).isEqualTo(expected.toString());
            // HEAD: the body is never written; what the source produced is released (leak check)
            RawHttp.Response head = c.write("HEAD /ticks/50 HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertThat(head.status()).isEqualTo(200);
            Thread.sleep(100);
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read(false);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void postEchoWithContentLengthAndChunkedBodies() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").read(false);
            assertThat(r.bodyText()).isEqualTo("hello");
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
            r = c.write("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3;ext=1\r\nabc\r\n0000A\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n").read(false);
            assertThat(r.bodyText()).isEqualTo("abc0123456789");
            r = c.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read(false);
            assertThat(r.bodyText()).isEmpty();
        }
    }

    @Test
    void inspectSeesHeadersBodyAndTrailers() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("POST /inspect?q=1 HTTP/1.1\r\nHost: h\r\nX-A:  v1 \r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nX-Trailer: t1\r\n\r\n").read(false);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.bodyText()).contains("\"method\":\"POST\"", "\"target\":\"/inspect?q=1\"", "\"version\":\"HTTP/1.1\"",
                    "[\"X-A\",\"v1\"]", "\"bodyLength\":5",
                    "\"bodySha256\":\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"",
                    "\"trailers\":[[\"X-Trailer\",\"t1\"]]");
        }
    }

    @Test
    void headHasTheLengthButNoBody() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo("13");
            // The next response must start right away: proves no body bytes were sent.
            assertThat(c.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false).bodyText()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void streamedBodyIsChunkedWithTrailers() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /stream/4 HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(r.header("Content-Length")).isNull();
            assertThat(r.bodyText()).isEqualTo("chunk0;chunk1;chunk2;chunk3;");
            assertThat(r.trailers()).containsEntry("x-count", "4");
            r = c.write("GET /stream/0 HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.bodyText()).isEmpty();
        }
    }

    @Test
    void sendBytesCarriesItsLengthAndHeadOmitsTheBody() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /bytes HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.header("Content-Length")).isEqualTo("2");
            assertThat(r.bodyText()).isEqualTo("ok");
            r = c.write("HEAD /bytes HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertThat(r.header("Content-Length")).isEqualTo("2");
            assertThat(c.write("GET /users/3 HTTP/1.1\r\nHost: x\r\n\r\n").read(false).bodyText()).isEqualTo("user 3");
        }
    }

    @Test
    void noContentHasNoFramingHeaders() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.header("Content-Length")).isNull();
            assertThat(r.header("Transfer-Encoding")).isNull();
            assertThat(c.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false).status()).isEqualTo(200);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /stream/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /users/2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read(false).bodyText()).isEqualTo("user 1");
            assertThat(c.read(false).bodyText()).isEqualTo("abc");
            assertThat(c.read(false).bodyText()).isEqualTo("chunk0;chunk1;");
            assertThat(c.read(false).bodyText()).isEqualTo("user 2");
        }
    }

    @Test
    void routerAnswers404And405() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            assertThat(c.write("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").read(false).status()).isEqualTo(404);
            RawHttp.Response r = c.write("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void expectContinueIsSentWhenTheHandlerReadsTheBody() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.readInterim()).isEqualTo(100);
            assertThat(c.write("ping").read(false).bodyText()).isEqualTo("ping");
        }
        try (RawHttp c = new RawHttp(server.port())) {
            // /hello never reads the body: no 100, the final response, and the connection closes.
            RawHttp.Response r = c.write("POST /users/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
                    .read(false);
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Connection")).isEqualTo("close");
        }
    }

    @Test
    void anUnreadBodyIsDiscardedAndTheConnectionKept() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            String body = "x".repeat(10_000);
            RawHttp.Response r = c.write("POST /users/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n" + body).read(false);
            assertThat(r.status()).isEqualTo(405);
            assertThat(c.write("GET /users/8 HTTP/1.1\r\nHost: x\r\n\r\n").read(false).bodyText()).isEqualTo("user 8");
        }
    }

    @Test
    void aFailingHandlerGets500AndTheServerGoesOn() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawHttp c = new RawHttp(server.port())) {
            assertThat(c.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read(false).status()).isEqualTo(200);
        }
    }

    @Test
    void headerValuesWithCrLfAreRefusedNeverWritten() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /crlf HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("Injected")).isNull();
        }
        assertThatThrownBy(() -> new HttpHeaders().add("X", "a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CR, LF, NUL");
        assertThatThrownBy(() -> new HttpHeaders().add("X Y", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not allowed in a token");
    }

    @Test
    void builderValidatesWithNamedSettings() {
        assertThatThrownBy(() -> HttpServer.create().maxHeaderSize(10))
                .hasMessage("HttpServer.maxHeaderSize must be between 256 and 1048576, got 10");
        assertThatThrownBy(() -> HttpServer.create().readTimeout(Duration.ZERO))
                .hasMessageStartingWith("HttpServer.readTimeout must be between 1 ms and");
        assertThatThrownBy(() -> HttpServer.create().protocol(dev.evpl.reactive.core.bind.Protocol.DATAGRAM_SOCKET_UDP))
                .hasMessage("HttpServer.protocol must be a stream protocol, got DATAGRAM_SOCKET_UDP");
        assertThatThrownBy(() -> HttpServer.create().bindNow()).hasMessageContaining("handle(...) or route(...)");
    }

    static void takeExpectedErrors() {
        LoopErrorsExtension.take();
    }
}
