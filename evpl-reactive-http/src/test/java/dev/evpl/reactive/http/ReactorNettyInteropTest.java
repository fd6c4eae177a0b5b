package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Interop both ways: Reactor Netty's HttpClient against our server (GET, POST with Content-Length and
 * chunked bodies, keep-alive reuse), and our HttpClient against Reactor Netty's HttpServer.
 */
class ReactorNettyInteropTest {
    private static DisposableHttpServer server;
    private static ConnectionProvider pool;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = HttpServer.create().route(TestRoutes::configure).bindNow();
        pool = ConnectionProvider.builder("interop").maxConnections(2).build();
        client = HttpClient.create(pool).baseUrl("http://127.0.0.1:" + server.port()).responseTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        pool.disposeLater().block(Duration.ofSeconds(5));
        server.disposeNow(Duration.ofSeconds(2));
    }

    @Test
    void getHelloReusesTheConnection() {
        for (int i = 0; i < 20; i++) {
            String body = client.get().uri("/hello").responseSingle((res, content) -> {
                assertThat(res.status().code()).isEqualTo(200);
                assertThat(res.responseHeaders().get("Content-Length")).isEqualTo("13");
                return content.asString();
            }).block(Duration.ofSeconds(10));
            assertThat(body).isEqualTo("Hello, World!");
        }
        assertThat(server.connectionCount()).as("keep-alive: the pool reused its connections").isLessThanOrEqualTo(2);
    }

    @ParameterizedTest(name = "{0} bytes, Content-Length")
    @ValueSource(ints = {0, 1, 1000, 65_536, 1 << 20, 8 << 20})
    void postEchoWithContentLength(int size) throws Exception {
        byte[] data = random(size);
        byte[] echoed = client.post().uri("/echo").send(Mono.just(Unpooled.wrappedBuffer(data)))
                .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0]))
                .block(Duration.ofSeconds(30));
        assertThat(sha(echoed)).isEqualTo(sha(data));
    }

    @ParameterizedTest(name = "{0} bytes, chunked")
    @ValueSource(ints = {1, 100_000, 64 << 20})
    void postEchoChunkedStreamsBothWays(int size) throws Exception {
        Random random = new Random(size);
        int chunk = 16_384;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Flux<ByteBuf> body = Flux.range(0, (size + chunk - 1) / chunk).map(i -> {
            byte[] b = new byte[Math.min(chunk, size - i * chunk)];
            random.nextBytes(b);
            sent.update(b);
            return Unpooled.wrappedBuffer(b);
        });
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long[] count = new long[1];
        client.headers(h -> h.set("Transfer-Encoding", "chunked")).post().uri("/echo").send(ByteBufFlux.fromInbound(body))
                .response((res, content) -> content.doOnNext(b -> {
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    received.update(bytes);
                    count[0] += bytes.length;
                }).then(Mono.just(res.status().code())))
                .blockLast(Duration.ofSeconds(60));
        assertThat(count[0]).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }

    @Test
    void inspectReportsWhatReactorNettySent() {
        String json = client.headers(h -> h.add("X-Test", "a").add("X-Test", "b")).post().uri("/inspect?z=1")
                .send(Mono.just(Unpooled.wrappedBuffer("abc".getBytes())))
                .responseSingle((res, content) -> content.asString()).block(Duration.ofSeconds(10));
        assertThat(json).contains("\"target\":\"/inspect?z=1\"", "[\"X-Test\",\"a\"]", "[\"X-Test\",\"b\"]", "\"bodyLength\":3");
    }

    @Test
    void ourClientAgainstReactorNettysServer() throws Exception {
        reactor.netty.DisposableServer peer = reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/hello", (req, res) -> res.sendString(Mono.just("Hello, World!")))
                        .post("/echo", (req, res) -> res.send(req.receive().retain()))
                        .get("/stream", (req, res) -> res.sendString(Flux.range(0, 100).map(i -> "line " + i + "\n"))))
                .bindNow();
        dev.evpl.reactive.http.HttpClient ours = dev.evpl.reactive.http.HttpClient.create().maxConnections(2);
        try {
            String base = "http://127.0.0.1:" + peer.port();
            for (int i = 0; i < 5; i++) {
                assertThat(ours.get(base + "/hello").flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(10)))
                        .isEqualTo("Hello, World!");
            }
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                lines.append("line ").append(i).append('\n');
            }
            HttpClientResponse streamed = ours.get(base + "/stream").block(Duration.ofSeconds(10));
            assertThat(streamed.headers().get("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(streamed.bodyAsString().block(Duration.ofSeconds(10))).isEqualTo(lines.toString());
            for (int size : new int[] {0, 5, 100_000, 4 << 20}) {
                byte[] data = random(size);
                byte[] echoed = ours.request("POST", base + "/echo", null, data).flatMap(HttpClientResponse::bodyAsBytes)
                        .block(Duration.ofSeconds(30));
                assertThat(sha(echoed)).as("%d bytes", size).isEqualTo(sha(data));
            }
            dev.evpl.reactive.core.buffer.SegmentAllocator alloc =
                    new dev.evpl.reactive.core.buffer.SegmentAllocator(dev.evpl.reactive.core.buffer.BufferPool.global());
            Random random = new Random(3);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            Flux<dev.evpl.reactive.core.buffer.Segment> chunks = Flux.range(0, 256).map(i -> {
                byte[] b = new byte[32 * 1024];
                random.nextBytes(b);
                sent.update(b);
                return alloc.copyOf(b);
            });
            byte[] echoed = ours.request("POST", base + "/echo", null, chunks).flatMap(HttpClientResponse::bodyAsBytes)
                    .block(Duration.ofSeconds(30));
            alloc.close();
            assertThat(echoed).hasSize(8 << 20);
            assertThat(sha(echoed)).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        } finally {
            ours.dispose();
            peer.disposeNow(Duration.ofSeconds(2));
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
