package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Our client against our server and against scripted raw servers (every failure shape). */
class HttpClientTest {
    private DisposableHttpServer server;
    private HttpClient client;
    private final CopyOnWriteArrayList<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = HttpServer.create().route(TestRoutes::configure).bindNow();
        client = HttpClient.create().maxConnections(4);
    }

    @AfterEach
    void stop() throws Exception {
        client.dispose();
        server.disposeNow(Duration.ofSeconds(2));
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /**
     * Requests cancelled while their exchange is in progress (and others while they wait for the
     * pool's one connection) give the connection back: before the fix every later request failed
     * with "no connection ... became free".
     */
    @Test
    void cancelledRequestsNeverLeakThePoolsConnections() {
        HttpClient one = HttpClient.create().maxConnections(1).pendingAcquireTimeout(Duration.ofSeconds(2));
        try {
            for (int round = 0; round < 20; round++) {
                // one in its exchange, two waiting for the connection: all three time out
                List<Throwable> errors = Flux.range(0, 3)
                        .flatMap(i -> one.get(url("/slow/300")).timeout(Duration.ofMillis(50))
                                .map(r -> (Throwable) null).onErrorResume(Mono::just))
                        .collectList().block(Duration.ofSeconds(10));
                assertThat(errors).hasSize(3).allSatisfy(e -> assertThat(e).isInstanceOf(java.util.concurrent.TimeoutException.class));
            }
            HttpClientResponse r = one.get(url("/hello")).block(Duration.ofSeconds(5));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString().block(Duration.ofSeconds(5))).isEqualTo("Hello, World!");
            // the cancelled exchanges closed their connections: the server sees at most the live one
            for (int i = 0; i < 200 && server.connectionCount() > 1; i++) {
                sleepMs(10);
            }
            assertThat(server.connectionCount()).isLessThanOrEqualTo(1);
        } finally {
            one.dispose();
        }
    }

    /**
     * Timeouts that land at any moment, as the response head arrives included: a response the
     * cancelled caller never gets (Reactor discards or drops it) is drained, so the connection goes
     * back to the pool and its buffered bytes to the buffer pool. Before, such a connection stayed
     * in its exchange forever: the soak's HTTP workers managed 186 requests in 20 s once their 16
     * connections were stuck, and each stuck one held a received segment past shutdown.
     */
    @Test
    void aTimeoutRacingTheResponseHeadNeverStrandsAConnection() {
        HttpClient two = HttpClient.create().maxConnections(2).pendingAcquireTimeout(Duration.ofSeconds(2));
        java.util.Random random = new java.util.Random(3);
        try {
            for (int i = 0; i < 300; i++) {
                try {
                    two.get(url("/slow/5")).flatMap(HttpClientResponse::bodyAsString)
                            .timeout(Duration.ofNanos(random.nextInt(8_000_000))).block(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    assertThat(e).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
                }
            }
            // every connection is free again: both of a pair of requests are served at once
            List<String> bodies = Flux.range(0, 2).flatMap(i -> two.get(url("/hello")).flatMap(HttpClientResponse::bodyAsString))
                    .collectList().block(Duration.ofSeconds(5));
            assertThat(bodies).containsExactly("Hello, World!", "Hello, World!");
        } finally {
            two.dispose();
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void getReusesOneConnection() {
        for (int i = 0; i < 10; i++) {
            HttpClientResponse r = client.get(url("/hello")).block(Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("Content-Length")).isEqualTo("13");
            assertThat(r.bodyAsString().block(Duration.ofSeconds(10))).isEqualTo("Hello, World!");
        }
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void postBodiesWithContentLengthAndChunked() throws Exception {
        for (int size : new int[] {0, 1, 70_000, 8 << 20}) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            byte[] echoed = client.request("POST", url("/echo"), null, data)
                    .flatMap(HttpClientResponse::bodyAsBytes).block(Duration.ofSeconds(30));
            assertThat(echoed).isEqualTo(data);
        }
        // 64 MiB streamed from this thread's own allocator, chunked, checksummed both ways.
        SegmentAllocator alloc = new SegmentAllocator(BufferPool.global());
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Random random = new Random(9);
        Flux<Segment> body = Flux.range(0, 1024).map(i -> {
            byte[] b = new byte[64 * 1024];
            random.nextBytes(b);
            sent.update(b);
            return alloc.copyOf(b);
        });
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long total = client.request("POST", url("/echo"), h -> h.add("X-Test", "1"), body)
                .flatMapMany(HttpClientResponse::body)
                .map(s -> {
                    int n = s.readableBytes();
                    for (java.nio.ByteBuffer v : s.asByteBuffers()) {
                        got.update(v);
                    }
                    s.release();
                    return (long) n;
                }).reduce(0L, Long::sum).block(Duration.ofSeconds(60));
        alloc.close();
        assertThat(total).isEqualTo(64L << 20);
        assertThat(HexFormat.of().formatHex(got.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }

    @Test
    void headAndNoContentHaveNoBodyAndTrailersArrive() {
        HttpClientResponse head = client.request("HEAD", url("/hello"), null, (byte[]) null).block(Duration.ofSeconds(10));
        assertThat(head.headers().get("Content-Length")).isEqualTo("13");
        assertThat(head.bodyAsString().block(Duration.ofSeconds(5))).isEmpty();
        HttpClientResponse none = client.get(url("/nocontent")).block(Duration.ofSeconds(10));
        assertThat(none.status()).isEqualTo(204);
        assertThat(none.bodyAsBytes().block(Duration.ofSeconds(5))).isEmpty();
        HttpClientResponse streamed = client.get(url("/stream/3")).block(Duration.ofSeconds(10));
        assertThat(streamed.bodyAsString().block(Duration.ofSeconds(5))).isEqualTo("chunk0;chunk1;chunk2;");
        assertThat(streamed.trailers().get("X-Count")).isEqualTo("3");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    /** A one-connection-at-a-time server that reads a request head and answers with {@code script}. */
    private int rawServer(BiConsumer<Integer, OutputStream> script) throws Exception {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(ss);
        AtomicInteger connection = new AtomicInteger();
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    InputStream in = s.getInputStream();
                    int n = connection.incrementAndGet();
                    int matched = 0;
                    while (matched < 4) { // until CRLFCRLF
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
                    }
                    script.accept(n, s.getOutputStream());
                } catch (Exception e) {
                    // closed
                }
            }
        }, "raw-http-server");
        t.setDaemon(true);
        t.start();
        return ss.getLocalPort();
    }

    private static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void interimResponsesAreSkippedAndCloseDelimitedBodiesEndAtTheClose() throws Exception {
        int port = rawServer((n, out) -> write(out,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil the close"));
        HttpClientResponse r = client.get("http://127.0.0.1:" + port + "/").block(Duration.ofSeconds(10));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(r.bodyAsString().block(Duration.ofSeconds(10))).isEqualTo("until the close");
    }

    @Test
    void malformedResponsesAndLostConnectionsFailWithWhatHappened() throws Exception {
        int bad = rawServer((n, out) -> write(out, "HTTP/1.1 2OO OK\r\n\r\n"));
        assertThatThrownBy(() -> client.get("http://127.0.0.1:" + bad + "/").block(Duration.ofSeconds(10)))
                .isInstanceOf(HttpException.class).hasMessageContaining("malformed response status code");
        int cl = rawServer((n, out) -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"));
        assertThatThrownBy(() -> client.get("http://127.0.0.1:" + cl + "/").block(Duration.ofSeconds(10)))
                .hasMessageContaining("conflicting Content-Length");
        int headCut = rawServer((n, out) -> write(out, "HTTP/1.1 200 OK\r\nContent-Le"));
        assertThatThrownBy(() -> client.get("http://127.0.0.1:" + headCut + "/").block(Duration.ofSeconds(10)))
                .hasMessageContaining("closed before the response head was complete");
        int bodyCut = rawServer((n, out) -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"));
        HttpClientResponse r = client.get("http://127.0.0.1:" + bodyCut + "/").block(Duration.ofSeconds(10));
        assertThatThrownBy(() -> r.bodyAsString().block(Duration.ofSeconds(10)))
                .hasMessageContaining("connection lost during the response body after 9 bytes");
        int chunkCut = rawServer((n, out) -> write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"));
        HttpClientResponse c = client.get("http://127.0.0.1:" + chunkCut + "/").block(Duration.ofSeconds(10));
        assertThatThrownBy(() -> c.bodyAsString().block(Duration.ofSeconds(10))).hasMessageContaining("connection lost");
        assertThatThrownBy(() -> client.get("http://127.0.0.1:1/").block(Duration.ofSeconds(10)))
                .hasMessageContaining("cannot connect to 127.0.0.1:1").hasMessageContaining("ECONNREFUSED");
        assertThatThrownBy(() -> client.get("ws://127.0.0.1/").block(Duration.ofSeconds(10)))
                .hasMessageContaining("only http://");
    }

    @Test
    void aPooledConnectionTheServerClosedIsNotReused() throws Exception {
        // Answers with keep-alive semantics, then closes anyway: the idle pooled connection sees the EOF.
        int port = rawServer((n, out) -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + n));
        String url = "http://127.0.0.1:" + port + "/";
        assertThat(client.get(url).flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(10))).isEqualTo("1");
        Thread.sleep(200);
        assertThat(client.get(url).flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(10)))
                .as("a new connection").isEqualTo("2");
        // Without the pause the request may race the close: then it is retried once on a new connection.
        assertThat(client.get(url).flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(10))).isEqualTo("3");
    }

    @Test
    void poolLimitsQueueThenFailClearly() throws Exception {
        int port = rawServer((n, out) -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        });
        HttpClient limited = HttpClient.create().maxConnections(1).pendingAcquireMaxCount(1)
                .pendingAcquireTimeout(Duration.ofMillis(200));
        try {
            String url = "http://127.0.0.1:" + port + "/";
            Mono<Integer> first = limited.get(url).flatMap(r -> r.discard().thenReturn(r.status())).cache();
            first.subscribe();
            Thread.sleep(50);
            Mono<Integer> second = limited.get(url).map(HttpClientResponse::status).cache();
            second.subscribe(v -> { }, e -> { });
            Thread.sleep(50);
            assertThatThrownBy(() -> limited.get(url).block(Duration.ofSeconds(5)))
                    .hasMessageContaining("too many requests waiting").hasMessageContaining("pendingAcquireMaxCount 1");
            assertThatThrownBy(() -> second.block(Duration.ofSeconds(5)))
                    .hasMessageContaining("no connection to").hasMessageContaining("within 200 ms");
            assertThat(first.block(Duration.ofSeconds(5))).isEqualTo(200);
        } finally {
            limited.dispose();
        }
    }

    @Test
    void responseTimeoutFailsTheRequest() throws Exception {
        int port = rawServer((n, out) -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        HttpClient timed = HttpClient.create().responseTimeout(Duration.ofMillis(300));
        try {
            assertThatThrownBy(() -> timed.get("http://127.0.0.1:" + port + "/").block(Duration.ofSeconds(5)))
                    .hasMessageContaining("no response from").hasMessageContaining("within 300 ms");
        } finally {
            timed.dispose();
        }
    }

    @Test
    void clientAndServerBothOnIoUringTcp() throws Exception {
        dev.evpl.reactive.core.bind.Protocol uring = dev.evpl.reactive.core.bind.Protocol.STREAM_IO_URING_TCP;
        org.junit.jupiter.api.Assumptions.assumeTrue(uring.isAvailable(), () -> "io_uring: " + uring.unavailableReason());
        DisposableHttpServer onRing = HttpServer.create().protocol(uring).route(TestRoutes::configure).bindNow();
        HttpClient ringClient = HttpClient.create().protocol(uring);
        try {
            String base = "http://127.0.0.1:" + onRing.port();
            assertThat(ringClient.get(base + "/hello").flatMap(HttpClientResponse::bodyAsString).block(Duration.ofSeconds(10)))
                    .isEqualTo("Hello, World!");
            byte[] data = new byte[8 << 20];
            new Random(12).nextBytes(data);
            assertThat(ringClient.request("POST", base + "/echo", null, data).flatMap(HttpClientResponse::bodyAsBytes)
                    .block(Duration.ofSeconds(30))).isEqualTo(data);
            assertThat(onRing.connectionCount()).isEqualTo(1);
        } finally {
            ringClient.dispose();
            onRing.disposeNow(Duration.ofSeconds(2));
        }
    }

    @Test
    void builderValidatesWithNamedSettings() {
        assertThatThrownBy(() -> HttpClient.create().maxConnections(0))
                .hasMessage("HttpClient.maxConnections must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> HttpClient.create().pendingAcquireTimeout(Duration.ZERO))
                .hasMessageStartingWith("HttpClient.pendingAcquireTimeout must be between 1 ms and");
    }
}
