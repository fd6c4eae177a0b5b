package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.internal.nativeio.ThreadTuning;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The core-share rule on a real core: a loop pinned to one CPU that would spin continuously
 * (activity every 2 ms, a 1 s window) shares that CPU with a busy thread. Governed, it backs off and leaves the
 * core to that thread; with {@code spinCoreShare} 0 (the control) it spins and takes about half.
 */
class SharedCoreSpinTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MEASURE_NANOS = TimeUnit.MILLISECONDS.toNanos(600);

    /** Loop CPU time, competitor CPU time and back-offs over the measured 600 ms. */
    private static long[] shareCoreWith(int cpu, double spinCoreShare) throws Exception {
        GroupConfig config = GroupConfig.builder().threads(1).cpuAffinity(cpu)
                .loopConfig(LoopConfig.builder().spin(Duration.ofSeconds(1)).spinCoreShare(spinCoreShare).build())
                .build();
        try (EventLoopGroup group = EventLoopGroup.create(config)) {
            EventLoop loop = group.loop(0);
            Thread loopThread = Mono.fromCallable(() -> {
                loop.addPollSource(() -> 0);
                loop.schedulePeriodically(loop::reportActivity, 0, 2, TimeUnit.MILLISECONDS);
                return Thread.currentThread();
            }).subscribeOn(loop).block(Duration.ofSeconds(5));
            AtomicLong competitorCpu = new AtomicLong();
            long[] loopCpu = new long[2];
            long[] backOffs = new long[2];
            Thread competitor = new Thread(() -> {
                ThreadTuning.pinCurrentThread(cpu);
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait(); // warm-up: both threads settle on the CPU
                }
                long c0 = THREADS.getCurrentThreadCpuTime();
                loopCpu[0] = THREADS.getThreadCpuTime(loopThread.getId());
                backOffs[0] = loop.spinBackoffs();
                end = System.nanoTime() + MEASURE_NANOS;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                loopCpu[1] = THREADS.getThreadCpuTime(loopThread.getId());
                backOffs[1] = loop.spinBackoffs();
                competitorCpu.set(THREADS.getCurrentThreadCpuTime() - c0);
            }, "same-cpu-competitor");
            competitor.start();
            competitor.join(10_000);
            return new long[] {loopCpu[1] - loopCpu[0], competitorCpu.get(), backOffs[1] - backOffs[0]};
        }
    }

    @Test
    void aLoopSharingItsCoreBacksOffAndLeavesTheCoreToTheOtherThread() throws Exception {
        int cpu = ThreadTuning.currentAffinity()[0]; // a CPU this process may use (CPU 0 on most machines)
        long[] control = shareCoreWith(cpu, 0);
        long[] governed = shareCoreWith(cpu, 0.75);
        if (!java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/thread-self/schedstat"))) {
            // Without CONFIG_SCHED_INFO there is nothing to measure the share with: the rule is off
            // by design, and the governed loop spins like the control (checked, not skipped).
            assertThat(governed[2]).as("back-offs without schedstat").isZero();
            assertThat(governed[0]).as("without schedstat the loop spins").isGreaterThan(MEASURE_NANOS * 3 / 10);
            return;
        }
        String figures = String.format("loop/competitor CPU ms over 600 ms: control %d/%d, governed %d/%d (%d back-offs)",
                control[0] / 1_000_000, control[1] / 1_000_000, governed[0] / 1_000_000, governed[1] / 1_000_000, governed[2]);
        System.out.println(figures);
        assertThat(control[2]).as(figures).isZero();
        assertThat(control[0]).as("the control spins: " + figures).isGreaterThan(MEASURE_NANOS * 3 / 10);
        assertThat(governed[2]).as(figures).isPositive();
        assertThat(governed[0]).as("governed, the loop leaves the core: " + figures).isLessThan(MEASURE_NANOS / 6);
        assertThat(governed[1]).as("the competitor gets the core: " + figures).isGreaterThan(control[1]);
    }
}
