package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.LoopHarness.ClockKind;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * The adaptive spin on the virtual clock with a hand-driven thread-CPU clock, so the window and
 * the core-share rule are exact. (EventLoopGroupTest runs the core-share rule against a real
 * competitor on a real core.)
 */
class SpinGovernorTest {
    /** The fake scheduler accounting: time run and time waiting for the CPU. */
    private long ran;
    private long waited;
    private final RunClock fakeClock = new RunClock() {
        @Override
        public boolean read() {
            return true;
        }

        @Override
        public long run() {
            return ran;
        }

        @Override
        public long waited() {
            return waited;
        }
    };

    /** One pass's accounting: of {@code wallNanos} awake, {@code percent} ran and the rest waited. */
    private void awake(long wallNanos, int percent) {
        ran += wallNanos * percent / 100;
        waited += wallNanos - wallNanos * percent / 100;
    }

    private LoopHarness loop(LoopConfig.Builder config) {
        LoopHarness h = new LoopHarness(ClockKind.VIRTUAL, config.idleStrategy(IdleStrategy.noOp()));
        h.loop.addPollSource(() -> 0);
        return h;
    }

    private SpinGovernor governor(LoopHarness h) {
        return h.loop.pollMode.governor;
    }

    /** Activity, then passes until the loop stops polling; returns how long it spun (virtual µs). */
    private static long spinAfterActivity(LoopHarness h) {
        h.loop.reportActivity();
        h.passes(1);
        assertThat(h.loop.isPolling()).isTrue();
        long spun = 0;
        while (h.loop.isPolling()) {
            h.virtual.advance(10, TimeUnit.MICROSECONDS);
            spun += 10;
            h.passes(1);
        }
        return spun;
    }

    @Test
    void aWindowThatRunsOutHalvesDownToSpinMinAndWorkSoonAfterSleepDoublesItBack() {
        try (LoopHarness h = loop(LoopConfig.builder().spin(Duration.ofMillis(1)).spinMin(Duration.ofNanos(100_000)))) {
            assertThat(spinAfterActivity(h)).isEqualTo(1000);
            assertThat(governor(h).window()).isEqualTo(500_000);
            // Work 2 ms after the loop went to sleep: more than spin, a longer window would not have helped.
            h.virtual.advance(2, TimeUnit.MILLISECONDS);
            assertThat(spinAfterActivity(h)).isEqualTo(500);
            h.virtual.advance(2, TimeUnit.MILLISECONDS);
            assertThat(spinAfterActivity(h)).isEqualTo(250);
            h.virtual.advance(2, TimeUnit.MILLISECONDS);
            assertThat(spinAfterActivity(h)).isEqualTo(130); // 125 µs, in 10 µs steps
            h.virtual.advance(2, TimeUnit.MILLISECONDS);
            assertThat(spinAfterActivity(h)).as("not below spinMin").isEqualTo(100);
            assertThat(governor(h).window()).isEqualTo(100_000);

            // Work 300 µs after the loop went to sleep (within spin): the window doubles on that wake,
            // and keeps halving only when it runs out again.
            h.virtual.advance(300, TimeUnit.MICROSECONDS);
            h.loop.reportActivity();
            h.passes(1);
            assertThat(governor(h).window()).isEqualTo(200_000);
        }
    }

    @Test
    void steadyActivityNeverShrinksTheWindow() {
        try (LoopHarness h = loop(LoopConfig.builder().spin(Duration.ofMillis(1)))) {
            h.loop.reportActivity();
            h.passes(1);
            for (int i = 0; i < 1000; i++) {
                h.virtual.advance(900, TimeUnit.MICROSECONDS);
                h.loop.reportActivity();
                h.passes(1);
                assertThat(h.loop.isPolling()).isTrue();
            }
            assertThat(governor(h).window()).isEqualTo(1_000_000);
        }
    }

    @Test
    void spinMinEqualToSpinKeepsTheWindowFixed() {
        try (LoopHarness h = loop(LoopConfig.builder().spin(Duration.ofMillis(1)).spinMin(Duration.ofMillis(1)))) {
            for (int i = 0; i < 4; i++) {
                h.virtual.advance(5, TimeUnit.MILLISECONDS);
                assertThat(spinAfterActivity(h)).isEqualTo(1000);
            }
        }
    }

    @Test
    void aSharedCoreStopsTheSpinForABackOffThatDoublesAndFreeSamplesResetIt() {
        try (LoopHarness h = loop(LoopConfig.builder().spin(Duration.ofSeconds(1)))) {
            governor(h).runClock = fakeClock;
            h.loop.reportActivity();
            h.passes(1);
            // With 90 % of the wall time the core is free enough: polling goes on over many samples.
            freeFor(h, 50, 90);
            assertThat(h.loop.spinBackoffs()).isZero();

            // Now the thread gets half the wall time: the sample that ends stops the spin.
            long[] backOffs = {1_000_000, 2_000_000, 4_000_000};
            for (long backOff : backOffs) {
                sharedUntilStopped(h);
                expectBackOff(h, backOff);
            }
            assertThat(h.loop.spinBackoffs()).isEqualTo(3);

            // One free sample is not enough to forget the back-off: the next one is 8 ms.
            freeFor(h, 12, 100);
            sharedUntilStopped(h);
            expectBackOff(h, 8_000_000);
            // Five free samples in a row are: the next back-off is 1 ms again.
            freeFor(h, 56, 100);
            sharedUntilStopped(h);
            expectBackOff(h, 1_000_000);
            assertThat(h.loop.spinBackoffs()).isEqualTo(5);
        }
    }

    /** Activity inside the back-off does not restart the spin; activity once it ended does (a probe). */
    private void expectBackOff(LoopHarness h, long backOff) {
        long stoppedAt = h.now();
        // the loop sleeps through its back-off: neither runs nor waits
        h.virtual.advance(backOff - 1000, TimeUnit.NANOSECONDS);
        h.loop.reportActivity();
        h.passes(1);
        assertThat(h.loop.isPolling()).as("inside a back-off of %d ns", backOff).isFalse();
        h.virtual.advance(stoppedAt + backOff - h.now(), TimeUnit.NANOSECONDS);
        h.loop.reportActivity();
        h.passes(1);
        assertThat(h.loop.isPolling()).as("after the back-off of %d ns", backOff).isTrue();
    }

    /** Polling passes of 1 ms with activity, each getting {@code percent} of it, for {@code millis}. */
    private void freeFor(LoopHarness h, int millis, int percent) {
        for (int i = 0; i < millis; i++) {
            h.virtual.advance(1, TimeUnit.MILLISECONDS);
            awake(1_000_000, percent);
            h.loop.reportActivity();
            h.passes(1);
            assertThat(h.loop.isPolling()).isTrue();
        }
    }

    /** Polling passes of 1 ms that get half of it until the governor stops the spin (three samples at most). */
    private void sharedUntilStopped(LoopHarness h) {
        for (int i = 0; i < 31 && h.loop.isPolling(); i++) {
            h.virtual.advance(1, TimeUnit.MILLISECONDS);
            awake(1_000_000, 50);
            h.loop.reportActivity();
            h.passes(1);
        }
        assertThat(h.loop.isPolling()).as("stopped within three 10 ms samples").isFalse();
    }

    @Test
    void aPinnedLoopPollsWhateverItsCoreShare() {
        try (LoopHarness h = loop(LoopConfig.builder())) {
            governor(h).runClock = fakeClock;
            Disposable pin = h.loop.pin();
            for (int i = 0; i < 50; i++) {
                h.virtual.advance(1, TimeUnit.MILLISECONDS);
                awake(1_000_000, 10);
                h.passes(1);
                assertThat(h.loop.isPolling()).isTrue();
            }
            assertThat(h.loop.spinBackoffs()).isZero();
            pin.dispose();
        }
    }

    @Test
    void theRunClockIsTheLoopThreadsSchedstatOpenedAtTheFirstSampleAndClosedWithTheLoop() {
        LoopHarness h = new LoopHarness(ClockKind.REAL, LoopConfig.builder());
        h.passes(1);
        assertThat(governor(h).runClock).as("nothing to poll: nothing to govern, nothing read").isNull();
        h.loop.addPollSource(() -> 0);
        h.passes(1);
        RunClock clock = governor(h).runClock;
        assertThat(clock).as("real clock, default share: /proc/thread-self/schedstat").isNotNull();
        assertThat(clock.read()).isTrue();
        assertThat(clock.run()).isPositive();
        h.close();
        assertThat(governor(h).runClock).isNull();
        try (LoopHarness off = new LoopHarness(ClockKind.REAL, LoopConfig.builder().spinCoreShare(0))) {
            off.loop.addPollSource(() -> 0);
            off.passes(3);
            assertThat(governor(off).runClock).as("spinCoreShare 0: the rule is off").isNull();
        }
    }

    @Test
    void aRunClockThatStopsReadingTurnsTheRuleOffInsteadOfRetryingEveryPass() {
        try (LoopHarness h = loop(LoopConfig.builder().spin(Duration.ofSeconds(1)))) {
            int[] reads = {0};
            boolean[] closed = {false};
            governor(h).runClock = new RunClock() {
                @Override
                public boolean read() {
                    reads[0]++;
                    return false;
                }

                @Override
                public long run() {
                    return 0;
                }

                @Override
                public long waited() {
                    return 0;
                }

                @Override
                public void close() {
                    closed[0] = true;
                }
            };
            h.loop.reportActivity();
            for (int i = 0; i < 100; i++) {
                h.virtual.advance(1, TimeUnit.MILLISECONDS);
                h.loop.reportActivity();
                h.passes(1);
                assertThat(h.loop.isPolling()).isTrue();
            }
            assertThat(reads[0]).isEqualTo(1);
            assertThat(closed[0]).isTrue();
            assertThat(governor(h).runClock).isNull();
        }
    }

    @Test
    void badValuesNameTheParameterAndRange() {
        assertThatThrownBy(() -> LoopConfig.builder().spinCoreShare(1.5).build())
                .hasMessage("LoopConfig.spinCoreShare must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> LoopConfig.builder().spinCoreShare(Double.NaN).build())
                .hasMessage("LoopConfig.spinCoreShare must be between 0 and 1, got NaN");
        assertThatThrownBy(() -> LoopConfig.builder().spinMin(Duration.ofSeconds(2)).build())
                .hasMessage("LoopConfig.spinMin must be between PT0S and PT1S, got PT2S");
    }
}
