package dev.evpl.reactive.benchmarks;

import dev.evpl.reactive.http.DisposableHttpServer;
import dev.evpl.reactive.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/**
 * Allocation per pipelined HTTP request, for {@code -prof gc} ({@code gc.alloc.rate.norm} counts
 * every thread: the server's loop and this benchmark's blocking client, whose share is a reused
 * byte array per read). One op = one {@code GET /hello} answered by the {@code HttpServer} on one
 * loop over epoll TCP; the client writes 16 pipelined requests at once (TechEmpower's plaintext
 * shape) and reads the 16 responses back, so the server parses a read of 16 heads and answers them
 * in one write. {@code server=reactor-netty} runs the same route on Reactor Netty's {@code HttpServer}
 * (one event loop, its defaults: pooled buffers, pipelining), for the side-by-side figure.
 * {@code server=evpl-default-type} is evpl's route without its own {@code Content-Type} (a
 * {@code sendString} body is {@code text/plain; charset=utf-8} by default): no header list.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpPipelineAllocationBenchmark {
    private static final int DEPTH = 16;
    @Param({"evpl", "evpl-default-type", "reactor-netty"})
    public String server;
    private DisposableHttpServer evpl;
    private DisposableServer reactorNetty;
    private LoopResources reactorNettyLoops;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private byte[] requests;
    private final byte[] buffer = new byte[64 << 10];
    private int responseBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        int port;
        if (server.equals("evpl")) {
            evpl = HttpServer.create().host("127.0.0.1").port(0).threads(1)
                    .route(r -> r.get("/hello", (req, res) -> res.header("Content-Type", "text/plain")
                            .sendString("Hello, World!")))
                    .bindNow();
            port = evpl.port();
        } else if (server.equals("evpl-default-type")) {
            evpl = HttpServer.create().host("127.0.0.1").port(0).threads(1)
                    .route(r -> r.get("/hello", (req, res) -> res.sendString("Hello, World!")))
                    .bindNow();
            port = evpl.port();
        } else {
            reactorNettyLoops = LoopResources.create("rn-alloc", 1, true);
            reactorNetty = reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0).runOn(reactorNettyLoops)
                    .route(r -> r.get("/hello", (req, res) -> res.header("Content-Type", "text/plain")
                            .sendString(Mono.just("Hello, World!"))))
                    .bindNow();
            port = ((InetSocketAddress) reactorNetty.address()).getPort();
        }
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        requests = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(DEPTH).getBytes(StandardCharsets.US_ASCII);
        // One response's size (a Date header is fixed width: every response has this size).
        out.write("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder one = new StringBuilder();
        while (!one.toString().endsWith("Hello, World!")) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the server closed the connection");
            }
            one.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        responseBytes = one.length();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        socket.close();
        if (evpl != null) {
            evpl.disposeNow(Duration.ofSeconds(2));
        } else {
            reactorNetty.disposeNow(Duration.ofSeconds(2));
            reactorNettyLoops.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    /** 16 pipelined requests out, their 16 responses in. */
    @Benchmark
    @OperationsPerInvocation(DEPTH)
    public int pipelined16() throws IOException {
        out.write(requests);
        int want = responseBytes * DEPTH;
        int got = 0;
        while (got < want) {
            int n = in.read(buffer, 0, Math.min(buffer.length, want - got));
            if (n < 0) {
                throw new IOException("the server closed the connection after " + got + " of " + want + " bytes");
            }
            got += n;
        }
        return got;
    }
}
