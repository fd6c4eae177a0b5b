package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.LoopHarness.ClockKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Deferrals and doorbells: libevpl semantics on hand-run loops (both clocks) and on loop threads. */
class DeferralDoorbellTest {

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void aDeferralArmedTwiceRunsOnceAtTheEndOfThePass(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            List<String> log = new ArrayList<>();
            Deferral d = h.loop.deferral(() -> log.add("deferral"));
            h.loop.schedule(() -> {
                d.arm();
                d.arm();
                log.add("task");
            });
            h.loop.addHook(LoopHook.ITERATION_END, () -> log.add("end"));
            h.passes(1);
            assertThat(log).containsExactly("task", "deferral", "end");
            h.passes(1);
            assertThat(log).containsExactly("task", "deferral", "end", "end");
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void reArmingInsideTheCallbackRunsItAgainNextPass(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger calls = new AtomicInteger();
            AtomicLong passOfCall = new AtomicLong();
            Deferral[] self = new Deferral[1];
            List<Long> passes = new ArrayList<>();
            self[0] = h.loop.deferral(() -> {
                passes.add(h.loop.iterations());
                if (calls.incrementAndGet() < 3) {
                    self[0].arm();
                }
            });
            self[0].arm();
            h.passes(5);
            assertThat(calls).hasValue(3);
            assertThat(passes).hasSize(3);
            assertThat(passes.get(1)).isEqualTo(passes.get(0) + 1);
            assertThat(passes.get(2)).isEqualTo(passes.get(1) + 1);
            assertThat(passOfCall).hasValue(0);
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void cancelPreventsTheCallAndCancellingAnIdleDeferralDoesNothing(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger calls = new AtomicInteger();
            Deferral d = h.loop.deferral(calls::incrementAndGet);
            d.cancel();
            d.arm();
            assertThat(d.isArmed()).isTrue();
            d.cancel();
            assertThat(d.isArmed()).isFalse();
            h.passes(2);
            assertThat(calls).hasValue(0);
            d.arm();
            d.cancel();
            d.arm(); // cancel then arm in one pass: exactly one call
            h.passes(2);
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void aDoorbellRungFromFourThreadsLosesNoWorkItem() throws Exception {
        int threads = 4;
        int perThread = 100_000;
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
            AtomicLong sum = new AtomicLong();
            AtomicInteger received = new AtomicInteger();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(1);
            Doorbell bell = loop.doorbell(() -> {
                calls.incrementAndGet();
                Integer item;
                while ((item = queue.poll()) != null) {
                    sum.addAndGet(item);
                    if (received.incrementAndGet() == threads * perThread) {
                        all.countDown();
                    }
                }
            });
            Thread[] ringers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                ringers[t] = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        queue.offer(base + i);
                        bell.ring();
                    }
                }, "ringer-" + t);
                ringers[t].start();
            }
            for (Thread t : ringers) {
                t.join();
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).as("all items seen").isTrue();
            long n = (long) threads * perThread;
            assertThat(received).hasValue(threads * perThread);
            assertThat(sum).hasValue(n * (n - 1) / 2);
            // Rings coalesce: far fewer callbacks (and eventfd writes) than rings.
            assertThat(calls.get()).isLessThanOrEqualTo(threads * perThread);
            assertThat(loop.wakeups()).isLessThanOrEqualTo(calls.get());
        }
    }

    @Test
    void aDoorbellWakesASleepingLoopAndMayBeClosedInItsOwnCallback() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch first = new CountDownLatch(1);
            Doorbell[] self = new Doorbell[1];
            self[0] = loop.doorbell(() -> {
                calls.incrementAndGet();
                self[0].close();
                first.countDown();
            });
            Thread.sleep(50); // the loop is asleep in epoll with nothing to do
            long wakeupsBefore = loop.wakeups();
            self[0].ring();
            assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.wakeups()).isEqualTo(wakeupsBefore + 1);
            self[0].ring();
            CountDownLatch after = new CountDownLatch(1);
            loop.schedule(after::countDown);
            assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(calls).hasValue(1);
            assertThat(self[0].isClosed()).isTrue();
        }
    }

    @Test
    void aDoorbellWakesAPollingLoop() throws Exception {
        GroupConfig config = GroupConfig.builder().threads(1).build();
        try (EventLoopGroup group = EventLoopGroup.create(config)) {
            EventLoop loop = group.loop(0);
            CountDownLatch polling = new CountDownLatch(1);
            loop.schedule(() -> {
                loop.addPollSource(() -> 0);
                loop.pin();
                loop.addHook(LoopHook.ITERATION_END, () -> {
                    if (loop.isPolling()) {
                        polling.countDown();
                    }
                });
            });
            assertThat(polling.await(5, TimeUnit.SECONDS)).isTrue();
            CountDownLatch rung = new CountDownLatch(1);
            long wakeupsBefore = loop.wakeups();
            loop.doorbell(rung::countDown).ring();
            assertThat(rung.await(5, TimeUnit.SECONDS)).isTrue();
            // A polling loop reads the hand-over stack every pass: no eventfd write was needed.
            assertThat(loop.wakeups()).isEqualTo(wakeupsBefore);
        }
    }

    @Test
    void handRunLoopSleepsUntilRung() throws Exception {
        try (LoopHarness h = new LoopHarness(ClockKind.REAL)) {
            AtomicInteger calls = new AtomicInteger();
            Doorbell bell = h.loop.doorbell(calls::incrementAndGet);
            Thread ringer = new Thread(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                bell.ring();
            });
            ringer.start();
            assertThat(h.runUntil(() -> calls.get() == 1, Duration.ofSeconds(5))).isTrue();
            ringer.join();
        }
    }
}
