package dev.evpl.reactive.benchmarks;

import dev.evpl.reactive.core.Doorbell;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wake-up latency of a sleeping loop: ring a doorbell from another thread and spin until its
 * callback ran. The loop has nothing else to do, so it is asleep in {@code epoll_wait} at every ring
 * (one eventfd write wakes it). Baseline in the same run: {@code LockSupport.unpark} of a parked
 * plain Java thread, the JDK's cheapest cross-thread wake-up.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DoorbellBenchmark {
    private EventLoopGroup group;
    private Doorbell bell;
    private final AtomicLong rung = new AtomicLong();
    private final AtomicLong unparked = new AtomicLong();
    private Thread parker;
    private volatile boolean stop;

    @Setup(Level.Trial)
    public void setUp() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        bell = group.loop(0).doorbell(rung::incrementAndGet);
        parker = new Thread(() -> {
            while (!stop) {
                LockSupport.park();
                unparked.incrementAndGet();
            }
        }, "parker");
        parker.setDaemon(true);
        parker.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stop = true;
        LockSupport.unpark(parker);
        group.close();
    }

    @Benchmark
    public long doorbellWakeSleepingLoop() {
        long want = rung.get() + 1;
        bell.ring();
        long seen;
        while ((seen = rung.get()) < want) {
            Thread.onSpinWait();
        }
        return seen;
    }

    @Benchmark
    public long unparkSleepingThread() {
        long want = unparked.get() + 1;
        LockSupport.unpark(parker);
        long seen;
        while ((seen = unparked.get()) < want) {
            Thread.onSpinWait();
        }
        return seen;
    }
}
