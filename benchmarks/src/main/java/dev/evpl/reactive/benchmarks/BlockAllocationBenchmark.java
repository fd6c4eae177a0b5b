package dev.evpl.reactive.benchmarks;

import dev.evpl.reactive.block.BlockDevice;
import dev.evpl.reactive.block.BlockOptions;
import dev.evpl.reactive.block.BlockProtocol;
import dev.evpl.reactive.block.BlockQueue;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * Steady-state allocation of block I/O on io_uring, for {@code -prof gc}
 * ({@code gc.alloc.rate.norm} counts every thread, the loop's included). One op = one 4 KiB read
 * (or write, of a pooled segment) at a random offset of a 64 MiB file (page cache) through
 * {@code BlockQueue}'s callback form; 32 are in flight on one loop, each completion starting the
 * next, so the benchmark thread only watches the count.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BlockAllocationBenchmark {
    private static final long BLOCKS = 16_384;
    private EventLoopGroup group;
    private BlockDevice device;
    private Path file;
    private final AtomicLong ops = new AtomicLong();
    private volatile boolean stop;

    /** "read" or "write". */
    @Param({"read", "write"})
    public String op;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("evpl-block-alloc", ".dat");
        Files.write(file, new byte[(int) (BLOCKS * 4096)]);
        group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        device = BlockDevice.open(BlockProtocol.IO_URING, file, BlockOptions.defaults().queueDepth(32));
        EventLoop loop = group.loop(0);
        Mono.fromRunnable(() -> {
            BlockQueue q = device.queue(loop);
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 32; i++) {
                new Chain(q, random).next();
            }
        }).subscribeOn(loop).block();
    }

    /** One read after another; its callback object is made once. */
    private final class Chain {
        private final BlockQueue queue;
        private final SplittableRandom random;
        private final BlockQueue.ReadDone done;
        private final BlockQueue.WriteDone written;
        private final EventLoop loop;

        Chain(BlockQueue queue, SplittableRandom random) {
            this.queue = queue;
            this.random = random;
            this.loop = queue.loop();
            this.written = (bytes, error) -> {
                ops.incrementAndGet();
                next();
            };
            this.done = (data, error) -> {
                if (data != null) {
                    data.release();
                }
                ops.incrementAndGet();
                next();
            };
        }

        void next() {
            if (stop) {
                return;
            }
            long at = random.nextLong(BLOCKS) * 4096;
            if (op.equals("write")) {
                queue.write(at, loop.allocator().allocate(4096), written);
            } else {
                queue.read(at, 4096, done);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        stop = true;
        Mono.delay(java.time.Duration.ofMillis(100)).block();
        device.close();
        group.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public long io() {
        return Progress.await(ops, 10_000);
    }
}
