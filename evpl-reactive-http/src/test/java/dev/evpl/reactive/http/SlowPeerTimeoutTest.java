package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Slow and hostile peers past the request head: an upload that stalls (bodyTimeout, 408) and a
 * client that never reads its response (writeTimeout, closed); a trickling but moving upload and
 * a handler that is slow to produce are not cut off.
 */
class SlowPeerTimeoutTest {
    private DisposableHttpServer server;

    @BeforeEach
    void start() {
        server = HttpServer.create()
                .bodyTimeout(Duration.ofMillis(300))
                .writeTimeout(Duration.ofMillis(300))
                .route(r -> {
                    TestRoutes.configure(r);
                    // 64 MiB, produced on the loop as fast as the socket takes it
                    r.get("/big", (req, res) -> res.send(Flux.range(0, 1024)
                            .map(i -> EventLoop.current().allocator().allocate(64 * 1024))));
                    // a chunk every 150 ms: slower to produce than the write timeout, never stalled
                    r.get("/slow-ticks", (req, res) -> res.sendString(Flux.interval(Duration.ofMillis(150)).take(5)
                            .map(i -> "tick" + i + ";")));
                })
                .bindNow();
    }

    @AfterEach
    void stop() {
        server.disposeNow(Duration.ofSeconds(2));
    }

    private void awaitNoConnections() throws InterruptedException {
        for (int i = 0; i < 300 && server.connectionCount() > 0; i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void anUploadThatStallsGets408AndTheConnectionCloses() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            long start = System.nanoTime();
            RawHttp.Response r = c.write("POST /inspect HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
                    .read(false);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.bodyText()).contains("request body stalled: no byte received within 300 ms");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
            assertThat(tookMs).isBetween(250L, 5_000L);
        }
        awaitNoConnections();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aTrickleThatKeepsMovingIsNotCutOff() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("POST /inspect HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
            for (int i = 0; i < 10; i++) { // 10 bytes over ~1.5 s: longer than the timeout in all, never a 300 ms gap
                Thread.sleep(150);
                c.write(new byte[] {(byte) ('0' + i)});
            }
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).contains("\"bodyLength\":10");
        }
    }

    @Test
    void aClientThatNeverReadsIsClosedAfterTheWriteTimeout() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
            assertThat(server.connectionCount()).as("still serving before the timeout").isEqualTo(1);
            awaitNoConnections();
            assertThat(server.connectionCount()).as("closed: the client read nothing for a whole write timeout").isZero();
            // what the kernel had buffered can still be read, then the stream ends (or resets)
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 16];
            long got = 0;
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got += n;
                }
            } catch (java.net.SocketException reset) {
                // a reset is an end too
            }
            assertThat(got).as("far less than the 64 MiB response").isLessThan(64L << 20);
        }
    }

    @Test
    void aHandlerSlowToProduceIsNotAStalledWrite() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            RawHttp.Response r = c.write("GET /slow-ticks HTTP/1.1\r\nHost: x\r\n\r\n").read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("tick0;tick1;tick2;tick3;tick4;");
        }
    }
}
