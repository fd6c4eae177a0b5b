package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.LoopHarness.ClockKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** libevpl timer semantics, each on the real clock and on the virtual clock. */
class TimerTest {

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void neverFiresBeforeItsDeadline(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            long[] firedAt = {0};
            LoopTimer timer = h.loop.timer(() -> firedAt[0] = h.now());
            timer.schedule(20, TimeUnit.MILLISECONDS);
            long deadline = timer.deadlineNanos();
            if (kind == ClockKind.VIRTUAL) {
                h.passTime(19);
                assertThat(firedAt[0]).as("fired early").isZero();
                h.passTime(1);
            } else {
                // Real time: the wait may end at any point; what matters is the clock at firing.
                while (firedAt[0] == 0) {
                    h.loop.runOnce();
                }
            }
            assertThat(firedAt[0]).as("fired at (ns)").isGreaterThanOrEqualTo(deadline);
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void oneShotReArmedFromItsCallbackFiresExactlyOnceMore(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger calls = new AtomicInteger();
            LoopTimer[] self = new LoopTimer[1];
            self[0] = h.loop.timer(() -> {
                // Disarmed before the callback: re-arming here is legal and gives one more call.
                assertThat(self[0].isScheduled()).isFalse();
                if (calls.incrementAndGet() == 1) {
                    self[0].schedule(5, TimeUnit.MILLISECONDS);
                }
            });
            self[0].schedule(5, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 6; i++) {
                h.passTime(6);
            }
            assertThat(calls).hasValue(2);
            assertThat(self[0].isScheduled()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void periodicIsReArmedAfterItsCallbackUntilCancelledInside(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger calls = new AtomicInteger();
            LoopTimer[] self = new LoopTimer[1];
            self[0] = h.loop.timer(() -> {
                if (calls.incrementAndGet() == 3) {
                    self[0].cancel();
                }
            });
            self[0].schedulePeriodic(4, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 8; i++) {
                h.passTime(5);
            }
            assertThat(calls).hasValue(3);
            assertThat(self[0].isScheduled()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void cancellingATimerThatIsNotArmedDoesNothing(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger calls = new AtomicInteger();
            LoopTimer timer = h.loop.timer(calls::incrementAndGet);
            timer.cancel();
            timer.schedule(1, TimeUnit.MILLISECONDS);
            timer.cancel();
            timer.cancel();
            h.passTime(3);
            assertThat(calls).hasValue(0);
            assertThatThrownBy(() -> timer.schedulePeriodic(0, TimeUnit.MILLISECONDS))
                    .hasMessageContaining("interval must be > 0");
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void dueTimersFireInDeadlineOrderAndTiesInArmingOrder(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            List<String> order = new ArrayList<>();
            long[] delays = {5, 1, 3, 3, 2, 4};
            String[] names = {"five", "one", "three-a", "three-b", "two", "four"};
            long base = h.now();
            for (int i = 0; i < delays.length; i++) {
                String name = names[i];
                LoopTimer t = h.loop.timer(() -> order.add(name));
                t.schedule(delays[i], TimeUnit.MILLISECONDS);
                // Absolute deadlines: equal delays give equal deadlines, so the tie rule is exercised.
                t.scheduleAt(base + TimeUnit.MILLISECONDS.toNanos(delays[i]));
                assertThat(t.deadlineNanos()).isEqualTo(base + TimeUnit.MILLISECONDS.toNanos(delays[i]));
            }
            h.passTime(7);
            assertThat(order).containsExactly("one", "two", "three-a", "three-b", "four", "five");
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void aTimerCancelledByAnEarlierCallbackOfThePassDoesNotFire(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger second = new AtomicInteger();
            LoopTimer victim = h.loop.timer(second::incrementAndGet);
            LoopTimer killer = h.loop.timer(victim::cancel);
            killer.schedule(1, TimeUnit.MILLISECONDS);
            victim.schedule(2, TimeUnit.MILLISECONDS);
            h.passTime(3); // both due in the same pass
            h.passTime(3);
            assertThat(second).hasValue(0);
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void aTimerArmedDuringAPassFiresInALaterPass(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            long[] armedInPass = {-1};
            long[] firedInPass = {-1};
            LoopTimer late = h.loop.timer(() -> firedInPass[0] = h.loop.iterations());
            LoopTimer arming = h.loop.timer(() -> {
                armedInPass[0] = h.loop.iterations();
                late.schedule(0, TimeUnit.MILLISECONDS); // already due, yet not in this pass
            });
            arming.schedule(1, TimeUnit.MILLISECONDS);
            h.passTime(2);
            h.passes(1);
            assertThat(armedInPass[0]).isNotNegative();
            assertThat(firedInPass[0]).isEqualTo(armedInPass[0] + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void theEarliestTimerBoundsTheWait(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger calls = new AtomicInteger();
            h.loop.timer(calls::incrementAndGet).schedule(10, TimeUnit.MILLISECONDS);
            if (kind == ClockKind.VIRTUAL) {
                h.virtual.advance(10, TimeUnit.MILLISECONDS);
            }
            long start = System.nanoTime();
            h.loop.runOnce(); // waits no longer than the timer needs (a stuck wait would hang here)
            long waited = System.nanoTime() - start;
            if (calls.get() == 0) {
                h.loop.runOnce();
            }
            assertThat(calls).hasValue(1);
            assertThat(waited).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void timersAreLoopConfined(ClockKind kind) throws Exception {
        try (LoopHarness h = new LoopHarness(kind)) {
            LoopTimer timer = h.loop.timer(() -> { });
            Throwable[] error = new Throwable[1];
            Thread other = new Thread(() -> {
                try {
                    timer.schedule(1, TimeUnit.MILLISECONDS);
                } catch (Throwable t) {
                    error[0] = t;
                }
            }, "not-the-loop");
            other.start();
            other.join();
            assertThat(error[0]).isInstanceOf(IllegalStateException.class)
                    .hasMessage("LoopTimer.schedule must be called on the loop thread '"
                            + Thread.currentThread().getName() + "', not on 'not-the-loop'");
        }
    }

    /** A delay that overflows {@code now + delay} waits (saturated), it does not fire at once. */
    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void hugeDelaysWaitInsteadOfFiringAtOnce(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger fired = new AtomicInteger();
            AtomicInteger shortOne = new AtomicInteger();
            h.loop.timer(fired::incrementAndGet).schedule(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            h.loop.timer(fired::incrementAndGet).schedule(Long.MAX_VALUE, TimeUnit.DAYS);
            h.loop.schedule(fired::incrementAndGet, Long.MAX_VALUE, TimeUnit.MILLISECONDS);
            h.loop.schedulePeriodically(fired::incrementAndGet, Long.MAX_VALUE, 1, TimeUnit.SECONDS);
            h.loop.timer(shortOne::incrementAndGet).schedule(10, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 5; i++) {
                h.passTime(10);
            }
            assertThat(shortOne).as("a later, shorter timer still fires: the heap order survived").hasValue(1);
            assertThat(fired).as("timers a near-infinite delay away").hasValue(0);
        }
    }

    /** Deadlines compare by difference: a clock whose values cross Long.MAX_VALUE keeps the order. */
    @org.junit.jupiter.api.Test
    void timersKeepTheirOrderWhenTheClockWraps() {
        VirtualClock clock = new VirtualClock(Long.MAX_VALUE - TimeUnit.MILLISECONDS.toNanos(5));
        EventLoop loop = EventLoop.create(LoopConfig.builder().clock(clock).build(), "wrap");
        try {
            List<String> order = new ArrayList<>();
            loop.timer(() -> order.add("20ms")).schedule(20, TimeUnit.MILLISECONDS); // past the wrap
            loop.timer(() -> order.add("2ms")).schedule(2, TimeUnit.MILLISECONDS); // before it
            loop.timer(() -> order.add("10ms")).schedule(10, TimeUnit.MILLISECONDS); // past it
            clock.advance(3, TimeUnit.MILLISECONDS);
            loop.runOnce(0, TimeUnit.MILLISECONDS);
            assertThat(order).containsExactly("2ms");
            clock.advance(8, TimeUnit.MILLISECONDS);
            loop.runOnce(0, TimeUnit.MILLISECONDS);
            assertThat(order).containsExactly("2ms", "10ms");
            clock.advance(10, TimeUnit.MILLISECONDS);
            loop.runOnce(0, TimeUnit.MILLISECONDS);
            assertThat(order).containsExactly("2ms", "10ms", "20ms");
        } finally {
            loop.dispose();
        }
    }
}
