package dev.evpl.reactive.benchmarks;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
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
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code schedule()} from a non-loop thread until the task has run, on an evpl loop and on Reactor's
 * {@code Schedulers.single()} in the same run.
 *
 * <ul>
 *   <li>{@code latency}: one task at a time: the scheduler thread is asleep when each task arrives,
 *       so this is hand-over + wake-up + run.</li>
 *   <li>{@code throughput}: bursts of 1000 tasks, waiting for the last; reported per task.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScheduleBenchmark {

    @Param({"evpl", "single"})
    public String scheduler;

    /** "none", or a CPU to pin the evpl loop thread to (the benchmark thread stays unpinned). */
    @Param({"none"})
    public String loopCpu;

    private EventLoopGroup group;
    private Scheduler target;
    private final AtomicLong done = new AtomicLong();
    private Runnable task;

    @Setup(Level.Trial)
    public void setUp() {
        if (scheduler.equals("evpl")) {
            GroupConfig.Builder config = GroupConfig.builder().threads(1);
            if (!loopCpu.equals("none")) {
                config.cpuAffinity(Integer.parseInt(loopCpu));
            }
            group = EventLoopGroup.create(config.build());
            target = group;
        } else {
            target = Schedulers.newSingle("bench-single", true);
        }
        task = done::incrementAndGet;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (group != null) {
            group.close();
        } else {
            target.dispose();
        }
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long latency() {
        long want = done.get() + 1;
        target.schedule(task);
        long seen;
        while ((seen = done.get()) < want) {
            Thread.onSpinWait();
        }
        return seen;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(1000)
    public long throughput() {
        long want = done.get() + 1000;
        for (int i = 0; i < 1000; i++) {
            target.schedule(task);
        }
        long seen;
        while ((seen = done.get()) < want) {
            Thread.onSpinWait();
        }
        return seen;
    }
}
