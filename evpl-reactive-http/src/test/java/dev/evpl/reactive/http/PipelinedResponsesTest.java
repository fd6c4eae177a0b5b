package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.bind.Protocol;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelined requests that arrive in one read are answered in one loop pass (their responses queue
 * behind each other and leave in one gathering write), and a client that pipelines without reading
 * makes the server hold a bounded amount of responses, not one per request sent. Real loopback
 * sockets, on TCP over epoll and over io_uring.
 */
@org.junit.jupiter.params.ParameterizedClass
@org.junit.jupiter.params.provider.ValueSource(strings = {"STREAM_SOCKET_TCP", "STREAM_IO_URING_TCP"})
class PipelinedResponsesTest {
    private static final int BIG = 64 << 10;

    @org.junit.jupiter.params.Parameter
    String protocolName;
    private DisposableHttpServer server;
    private final AtomicInteger bigServed = new AtomicInteger();

    @BeforeEach
    void start() {
        Protocol protocol = Protocol.lookup(protocolName);
        Assumptions.assumeTrue(protocol.isAvailable(), () -> protocolName + ": " + protocol.unavailableReason());
        String big = "b".repeat(BIG);
        server = HttpServer.create().protocol(protocol).route(r -> r
                // the loop pass that ran the handler: equal for requests served in one pass
                .get("/pass/{i}", (req, res) -> res.sendString(req.param("i") + "@" + req.loop().iterations()))
                .get("/big", (req, res) -> {
                    bigServed.incrementAndGet();
                    return res.sendString(big);
                })).bindNow();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(2));
        }
    }

    @Test
    void requestsOfOneReadAreAnsweredInOnePassAndInOrder() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (RawHttp c = new RawHttp(server.port())) {
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < 16; i++) {
                    all.append("GET /pass/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                }
                c.write(all.toString());
                Set<String> passes = new HashSet<>();
                for (int i = 0; i < 16; i++) {
                    String[] body = c.read(false).bodyText().split("@");
                    assertThat(body[0]).isEqualTo(Integer.toString(i));
                    passes.add(body[1]);
                }
                // One read holds all 16 (the kernel may split it once): before, each response had to
                // be written before the next request was parsed, one pass per request.
                assertThat(passes).as("loop passes that served 16 pipelined requests").hasSizeLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aClientThatPipelinesWithoutReadingGetsABoundedQueueThenEveryResponse() throws Exception {
        int n = 600; // 600 x 64 KiB = 37.5 MiB: more than the loopback socket buffers hold
        try (RawHttp c = new RawHttp(server.port())) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < n; i++) {
                all.append("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            c.write(all.toString());
            Thread.sleep(500);
            int servedWhileNotReading = bigServed.get();
            assertThat(servedWhileNotReading).as("responses produced for a client that does not read").isLessThan(n);
            for (int i = 0; i < n; i++) {
                assertThat(c.read(false).body()).hasSize(BIG);
            }
            assertThat(bigServed.get()).isEqualTo(n);
        }
    }
}
