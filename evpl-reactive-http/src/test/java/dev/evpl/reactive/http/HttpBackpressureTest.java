package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Demand reaches the socket both ways: an upload to a handler that does not read stalls the client
 * with the server's buffered bytes bounded; a response to a client that does not read stalls the
 * handler's body generation. Then everything arrives intact.
 */
class HttpBackpressureTest {
    private static final long GIB = 1L << 30;

    @Test
    void aOneGibUploadToAHandlerThatReadsLateStaysBoundedThenArrivesIntact() throws Exception {
        AtomicReference<Subscription> body = new AtomicReference<>();
        AtomicLong received = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        Sinks.One<Long> done = Sinks.one();
        DisposableHttpServer server = HttpServer.create().route(r -> r.post("/upload", (req, res) -> {
            req.receive().subscribe(new BaseSubscriber<Segment>() {
                @Override
                protected void hookOnSubscribe(Subscription s) {
                    body.set(s); // no request yet: the handler is "busy"
                }

                @Override
                protected void hookOnNext(Segment s) {
                    // Every byte checked against the pattern at its position in the upload.
                    long at = received.get();
                    long bad = 0;
                    for (java.nio.ByteBuffer view : s.asByteBuffers()) {
                        while (view.hasRemaining()) {
                            if (view.get() != (byte) (at * 7 >>> 3)) {
                                bad++;
                            }
                            at++;
                        }
                    }
                    mismatches.addAndGet(bad);
                    received.set(at);
                    s.release();
                }

                @Override
                protected void hookOnComplete() {
                    done.tryEmitValue(received.get());
                }
            });
            return done.asMono().flatMap(n -> res.sendString(Long.toString(n)));
        })).bindNow();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = socket.getOutputStream();
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + GIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[256 * 1024];
                    for (long off = 0; off < GIB; off += chunk.length) {
                        for (int i = 0; i < chunk.length; i++) {
                            chunk[i] = (byte) ((off + i) * 7 >>> 3);
                        }
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Without demand the server reads nothing more: the client must stall.
            long stalledAt = awaitStall(written);
            assertThat(stalledAt).as("client stalled far below 1 GiB").isLessThan(64L << 20);
            assertThat(BufferPool.global().inUseBytes()).as("bytes buffered by the server while stalled").isLessThan(16L << 20);
            assertThat(received.get()).isZero();

            body.get().request(Long.MAX_VALUE);
            writer.get();
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(60_000);
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\n" + GIB);
            assertThat(mismatches.get()).as("bytes differing from what was sent").isZero();
        } finally {
            server.disposeNow(Duration.ofSeconds(2));
        }
    }

    @Test
    void aLargeResponseToAClientThatDoesNotReadStallsTheHandler() throws Exception {
        AtomicLong generated = new AtomicLong();
        DisposableHttpServer server = HttpServer.create().route(r -> r.get("/big", (req, res) -> {
            Flux<Segment> body = Flux.<Segment>generate(sink -> {
                if (generated.get() >= GIB) {
                    sink.complete();
                    return;
                }
                Segment s = req.loop().allocator().allocate(64 * 1024);
                for (int i = 0; i < 64 * 1024; i += 8) {
                    s.setLong(i, generated.get() + i);
                }
                generated.addAndGet(64 * 1024);
                sink.next(s);
            }).subscribeOn(req.loop());
            return res.send(body);
        })).bindNow();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long stalledAt = awaitStall(generated);
            assertThat(stalledAt).as("body generation stalled far below 1 GiB").isLessThan(64L << 20);
            assertThat(BufferPool.global().inUseBytes()).isLessThan(16L << 20);
            // Now read it all: chunked framing around 64 KiB chunks, content checked by position.
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 20);
            socket.setSoTimeout(60_000);
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK").contains("Transfer-Encoding: chunked");
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            for (;;) {
                String size = readLine(in);
                int n = Integer.parseInt(size, 16);
                if (n == 0) {
                    assertThat(readLine(in)).isEmpty();
                    break;
                }
                in.readNBytes(buf, 0, n);
                long first = java.nio.ByteBuffer.wrap(buf, 0, 8).getLong();
                assertThat(first).isEqualTo(total);
                total += n;
                assertThat(readLine(in)).isEmpty();
            }
            assertThat(total).isEqualTo(GIB);
        } finally {
            server.disposeNow(Duration.ofSeconds(2));
        }
    }

    private static long awaitStall(AtomicLong progress) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 200; i++) {
            Thread.sleep(100);
            long now = progress.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("never stalled; progress " + progress.get());
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (String l = readLine(in); !l.isEmpty(); l = readLine(in)) {
            sb.append(l).append("\r\n");
        }
        return sb.toString();
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("after '" + sb + "'");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

}
