package dev.evpl.reactive.core;

import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.testsupport.LoopErrorsExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.evpl.reactive.core.internal.nativeio.ThreadTuning;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Scheduler;

/** Loop groups: threads, callbacks, affinity, round-robin, and what an idle or spinning loop costs. */
class EventLoopGroupTest {

    @Test
    void threadsAreNamedNonBlockingAndRunTheirCallbacksOnTheLoopThread() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        GroupConfig config = GroupConfig.builder().threads(2)
                .onThreadStart(loop -> events.add("start " + loop.name() + " on " + Thread.currentThread().getName()
                        + " inLoop=" + loop.inLoop() + " current=" + (EventLoop.current() == loop)))
                .onThreadStop(loop -> events.add("stop " + loop.name() + " on " + Thread.currentThread().getName()))
                .build();
        EventLoopGroup group = EventLoopGroup.create(config);
        try {
            assertThat(group.size()).isEqualTo(2);
            assertThat(group.loops()).extracting(EventLoop::name).containsExactly("evpl-loop-0", "evpl-loop-1");
            for (EventLoop loop : group.loops()) {
                Thread t = Mono.fromCallable(Thread::currentThread).subscribeOn(loop).block(Duration.ofSeconds(5));
                assertThat(t).isInstanceOf(NonBlocking.class);
                assertThat(t.getName()).isEqualTo(loop.name());
                assertThat(t.isDaemon()).isTrue();
            }
            assertThat(EventLoop.current()).isNull();
        } finally {
            group.close();
        }
        assertThat(group.isDisposed()).isTrue();
        assertThat(events).containsExactlyInAnyOrder(
                "start evpl-loop-0 on evpl-loop-0 inLoop=true current=true",
                "start evpl-loop-1 on evpl-loop-1 inLoop=true current=true",
                "stop evpl-loop-0 on evpl-loop-0",
                "stop evpl-loop-1 on evpl-loop-1");
    }

    @Test
    void theGroupSchedulerSpreadsTasksAndWorkersRoundRobin() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(3)) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(6);
            for (int i = 0; i < 6; i++) {
                group.schedule(() -> {
                    threads.add(Thread.currentThread().getName());
                    done.countDown();
                });
            }
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(threads).hasSize(3);
            Scheduler.Worker w = group.createWorker();
            Set<String> workerThreads = ConcurrentHashMap.newKeySet();
            CountDownLatch wDone = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                w.schedule(() -> {
                    workerThreads.add(Thread.currentThread().getName());
                    wDone.countDown();
                });
            }
            assertThat(wDone.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(workerThreads).as("a worker stays on one loop").hasSize(1);
            w.dispose();
        }
    }

    @Test
    void cpuAffinityAndTimerSlackAreAppliedToLoopThreads() {
        int[] cpus = ThreadTuning.currentAffinity();
        assumeThat(cpus.length).as("needs a CPU to pin to").isGreaterThanOrEqualTo(1);
        int cpu = cpus[cpus.length - 1];
        GroupConfig config = GroupConfig.builder().threads(1).cpuAffinity(cpu)
                .loopConfig(LoopConfig.builder().timerSlack(Duration.ofNanos(2000)).build()).build();
        try (EventLoopGroup group = EventLoopGroup.create(config)) {
            int[] affinity = Mono.fromCallable(ThreadTuning::currentAffinity).subscribeOn(group).block(Duration.ofSeconds(5));
            long slack = Mono.fromCallable(ThreadTuning::timerSlack).subscribeOn(group).block(Duration.ofSeconds(5));
            assertThat(affinity).containsExactly(cpu);
            assertThat(slack).isEqualTo(2000);
        }
    }

    @Test
    void aLoopThatCannotStartFailsCreationWithTheReason() {
        // CPU 1023 exists in no mask on this machine: sched_setaffinity refuses it.
        GroupConfig config = GroupConfig.builder().threads(2).cpuAffinity(1023).build();
        assertThatThrownBy(() -> EventLoopGroup.create(config))
                .isInstanceOf(NativeIoException.class)
                .hasMessage("sched_setaffinity cpu 1023: EINVAL (22)");
    }

    @Test
    void closeFromALoopThreadIsRefused() {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            Mono.fromRunnable(() -> {
                try {
                    group.close();
                } catch (Throwable t) {
                    error.set(t);
                }
            }).subscribeOn(group).block(Duration.ofSeconds(5));
            assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("off the loop threads");
        }
    }

    private static long cpuNanos(Thread t) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return mx.getThreadCpuTime(t.getId());
    }

    @Test
    void anIdleLoopSleepsInTheKernel() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            Thread t = Mono.fromCallable(Thread::currentThread).subscribeOn(group).block(Duration.ofSeconds(5));
            Thread.sleep(50);
            long before = cpuNanos(t);
            long passesBefore = group.loop(0).iterations();
            Thread.sleep(500);
            long used = cpuNanos(t) - before;
            assertThat(used).as("CPU used by an idle loop in 500 ms").isLessThan(TimeUnit.MILLISECONDS.toNanos(20));
            assertThat(group.loop(0).iterations() - passesBefore).as("passes while idle").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aLoopWithAPollSourceSpinsOnlyWithinTheSpinWindow() throws Exception {
        GroupConfig config = GroupConfig.builder().threads(1)
                .loopConfig(LoopConfig.builder().spin(Duration.ofMillis(1)).build()).build();
        try (EventLoopGroup group = EventLoopGroup.create(config)) {
            EventLoop loop = group.loop(0);
            AtomicLong polls = new AtomicLong();
            Thread t = Mono.fromCallable(() -> {
                loop.addPollSource(() -> {
                    polls.incrementAndGet();
                    return 0;
                });
                loop.reportActivity();
                return Thread.currentThread();
            }).subscribeOn(loop).block(Duration.ofSeconds(5));
            Thread.sleep(100);
            assertThat(loop.isPolling()).as("1 ms after the only activity").isFalse();
            assertThat(polls.get()).as("it did poll within the window").isPositive();
            long before = cpuNanos(t);
            Thread.sleep(300);
            assertThat(cpuNanos(t) - before).as("CPU after the window").isLessThan(TimeUnit.MILLISECONDS.toNanos(20));

            // Pinned: it polls (and burns its core) until unpinned.
            var pin = Mono.fromCallable(loop::pin).subscribeOn(loop).block(Duration.ofSeconds(5));
            before = cpuNanos(t);
            Thread.sleep(300);
            long pinnedCpu = cpuNanos(t) - before;
            assertThat(loop.isPolling()).isTrue();
            assertThat(pinnedCpu).as("CPU while pinned").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(100));
            Mono.fromRunnable(pin::dispose).subscribeOn(loop).block(Duration.ofSeconds(5));
            Thread.sleep(50);
            assertThat(loop.isPolling()).isFalse();
        }
    }

    @Test
    void theBuiltInIdleStrategiesPassBlockHound() throws Exception {
        for (IdleStrategy idle : new IdleStrategy[] {IdleStrategy.busySpin(), IdleStrategy.yielding(), IdleStrategy.noOp()}) {
            GroupConfig config = GroupConfig.builder().threads(1)
                    .loopConfig(LoopConfig.builder().idleStrategy(idle).build()).build();
            try (EventLoopGroup group = EventLoopGroup.create(config)) {
                EventLoop loop = group.loop(0);
                AtomicLong polls = new AtomicLong();
                var pin = Mono.fromCallable(() -> {
                    loop.addPollSource(() -> {
                        polls.incrementAndGet();
                        return 0; // empty passes: the idle strategy runs every pass
                    });
                    return loop.pin();
                }).subscribeOn(loop).block(Duration.ofSeconds(5));
                // until it polled a while (a fixed 50 ms saw fewer than 100 polls of the yielding
                // strategy once, with another build competing for the machine's two cores)
                for (int i = 0; i < 500 && polls.get() <= 100; i++) {
                    Thread.sleep(10);
                }
                Mono.fromRunnable(pin::dispose).subscribeOn(loop).block(Duration.ofSeconds(5));
                assertThat(polls.get()).as(idle + " polled").isGreaterThan(100);
            }
            // Any BlockingOperationError on the loop thread would fail this test (LoopErrorsExtension).
            assertThat(LoopErrorsExtension.take()).as(idle.toString()).isEmpty();
        }
    }
}
