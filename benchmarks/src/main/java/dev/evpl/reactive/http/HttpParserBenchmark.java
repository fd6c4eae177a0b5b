package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request-head parsing throughput and allocation ({@code -prof gc}): a typical browser-like GET
 * (8 headers, ~400 bytes) and wrk's minimal GET, parsed from a pooled segment by the server's
 * parser, as a connection does for every request. {@code heads=same} parses the same head each
 * time (a client repeating its request: the parser reuses the last head's results),
 * {@code heads=alternating} two heads that differ in the request line, so every one is parsed
 * whole. In package {@code dev.evpl.reactive.http} to reach the package-private parser.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpParserBenchmark {
    @Param({"browser", "minimal"})
    public String request;

    @Param({"same", "alternating"})
    public String heads;

    private SegmentAllocator allocator;
    private Segment segment;
    private Segment other;
    private boolean flip;
    private RequestHeadParser parser;

    @Setup(Level.Trial)
    public void setUp() {
        String text = request.equals("minimal") ? "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
                : "GET /api/v1/users/42?fields=name,email&verbose=true HTTP/1.1\r\n"
                + "Host: www.example.com\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
                + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
                + "Accept-Language: en-US,en;q=0.5\r\n"
                + "Accept-Encoding: gzip, deflate, br\r\n"
                + "Connection: keep-alive\r\n"
                + "Cookie: session=abcdef0123456789; theme=dark\r\n"
                + "Cache-Control: max-age=0\r\n\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        allocator = new SegmentAllocator(BufferPool.global());
        segment = allocator.copyOf(bytes);
        // The other head: one byte of the target changed (same length, every line after it equal).
        byte[] changed = bytes.clone();
        changed[text.indexOf(' ') + 2] ^= 1;
        other = allocator.copyOf(heads.equals("same") ? bytes : changed);
        parser = new RequestHeadParser(8192, 8192);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        segment.release();
        other.release();
        allocator.close();
    }

    @Benchmark
    public Object parse() {
        parser.reset();
        flip = !flip;
        parser.feed(flip ? segment : other, 0);
        if (!parser.isComplete()) {
            throw new IllegalStateException("incomplete");
        }
        return parser.headers;
    }
}
