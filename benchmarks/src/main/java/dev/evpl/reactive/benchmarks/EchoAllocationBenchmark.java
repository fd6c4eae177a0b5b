package dev.evpl.reactive.benchmarks;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.framing.Framing;
import dev.evpl.reactive.core.framing.SegmentFunction;
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
 * Steady-state allocation of the TCP echo path, for {@code -prof gc} ({@code gc.alloc.rate.norm}
 * counts every thread, loop threads included). One op = one 64-byte message echoed: the server
 * loop's receive → send (zero-copy echo), and the client loop, which sends the received segment
 * straight back again, so the message ping-pongs forever without the benchmark thread touching it.
 * 16 messages are in flight on one connection. With {@code framing=length32} the server takes the
 * per-message path of the echo-server sample (framing operator; each message its own entry of one
 * {@code send(Publisher)}); {@code length32-mono} answers each message with its own
 * {@code send(Segment)} Mono through {@code flatMap} (Reactor's flatMap and the Mono cost objects
 * per message there).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EchoAllocationBenchmark {
    private EventLoopGroup group;
    private Listener listener;
    private Bind client;
    private final AtomicLong echoed = new AtomicLong();

    /** "none": the server echoes bytes; "length32": framed, one send entry per message; "length32-mono": one send Mono per message. */
    @Param({"none", "length32", "length32-mono"})
    public String framing;

    @Setup(Level.Trial)
    public void setUp() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
        listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
        if (framing.equals("length32")) {
            listener.attach(group.loop(1), bind -> bind.send(Framing.receive(bind, SegmentFunction.length32(1 << 20)))
                    .subscribe());
        } else if (framing.equals("length32-mono")) {
            listener.attach(group.loop(1), bind -> Framing.receive(bind, SegmentFunction.length32(1 << 20))
                    .flatMap(bind::send, 1024).subscribe());
        } else {
            listener.attach(group.loop(1), bind -> bind.send(bind.receive()).subscribe());
        }
        client = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                .block(Duration.ofSeconds(5));
        // The client echoes too: every segment it receives goes straight back (zero-copy both ways).
        client.send(client.receive().doOnNext(s -> echoed.addAndGet(s.readableBytes() / 64))).subscribe();
        Mono.fromRunnable(() -> {
            for (int i = 0; i < 16; i++) {
                Segment s = client.loop().allocator().allocate(64);
                s.setInt(0, 60); // a valid length32 frame either way
                client.send(s).subscribe();
            }
        }).subscribeOn(group.loop(0)).block();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        listener.dispose();
        group.close();
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public long echo() {
        return Progress.await(echoed, 10_000);
    }
}
