package dev.evpl.reactive.benchmarks;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.tls.SelfSignedCertificate;
import dev.evpl.reactive.core.tls.TlsConfig;
import dev.evpl.reactive.core.tls.TlsTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * Steady-state allocation per TLS record, for {@code -prof gc} ({@code gc.alloc.rate.norm} counts
 * every thread, the engines' own allocations included). One op = one 16 KiB plaintext segment (one
 * full TLS record) echoed over {@code STREAM_SOCKET_TLS} on loopback: the server loop decrypts and
 * re-encrypts it ({@code bind.send(bind.receive())}), the client loop sends every decrypted segment
 * straight back, so 4 records ping-pong without the benchmark thread touching them. {@code engine}
 * picks the JDK's SSLEngine or Conscrypt on both sides. What is ours and what is the engine's is told
 * apart with a JFR allocation profile (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TlsRecordAllocationBenchmark {
    private static final int RECORD = 16 * 1024;

    private EventLoopGroup group;
    private Listener listener;
    private Bind client;
    private Path dir;
    private final AtomicLong echoed = new AtomicLong();

    /** "jdk": SunJSSE on both sides; "conscrypt": Conscrypt (BoringSSL) on both sides. */
    @Param({"jdk", "conscrypt"})
    public String engine;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("evpl-tls-bench");
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "bench", "localhost", 2);
        TlsConfig.Builder server = TlsConfig.server(cert.cert(), cert.key());
        TlsConfig.Builder clientConfig = TlsConfig.client().trustPem(cert.cert());
        if (engine.equals("conscrypt")) {
            server.conscrypt();
            clientConfig.conscrypt();
        }
        group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
        listener = Listener.listen(TlsTransport.server(server.build()), Endpoint.inet("127.0.0.1", 0));
        listener.attach(group.loop(1), bind -> bind.send(bind.receive()).subscribe(null, e -> { }));
        client = Bind.connect(group.loop(0), TlsTransport.client(clientConfig.build()), Endpoint.inet("localhost", listener.port()))
                .block(Duration.ofSeconds(10));
        client.send(client.receive().doOnNext(s -> echoed.addAndGet(s.readableBytes()))).subscribe(null, e -> { });
        Mono.fromRunnable(() -> {
            for (int i = 0; i < 4; i++) {
                Segment s = client.loop().allocator().allocate(RECORD);
                client.send(s).subscribe(null, e -> { });
            }
        }).subscribeOn(group.loop(0)).block();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        listener.dispose();
        group.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** 100 records echoed (counted in bytes: a record may arrive as several segments). */
    @Benchmark
    @OperationsPerInvocation(100)
    public long echo() {
        return Progress.await(echoed, 100L * RECORD);
    }
}
