package dev.evpl.reactive.core.internal.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * {@code UringConfig.sqPollIdle}: the loop's ring gets an SQPOLL thread. Every operation completes
 * (an SQE is published only once filled: the kernel thread may read it at any moment), bursts
 * larger than the SQ wait for the thread to make room, a thread that fell asleep is woken by the
 * next submission, and while it is awake submitting needs no {@code io_uring_enter}.
 */
class SqPollTest {
    private EventLoopGroup group;

    private LoopRing start(boolean ringWait) {
        assumeTrue(LoopRing.isAvailable(), () -> "io_uring unavailable here: " + LoopRing.unavailableReason());
        group = EventLoopGroup.create(GroupConfig.builder().threads(1).loopConfig(LoopConfig.builder()
                .ioHandler(ringWait ? dev.evpl.reactive.core.IoHandlerType.IO_URING : dev.evpl.reactive.core.IoHandlerType.EPOLL)
                .uring(dev.evpl.reactive.core.UringConfig.builder().entries(64).sqPollIdle(Duration.ofMillis(20)).build())
                .build()).build());
        EventLoop loop = group.loop(0);
        return Mono.fromCallable(() -> LoopRing.of(loop)).subscribeOn(loop).block(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.close();
        }
    }

    private static void nops(LoopRing ring, int n) throws InterruptedException {
        nops(ring, n, 0);
    }

    /**
     * Submits {@code n} NOPs in one pass on the loop, {@code delayMillis} later (a loop timer, so
     * nothing but the loop's own wait is involved in waking it); waits for all their completions.
     */
    private static void nops(LoopRing ring, int n, long delayMillis) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger failed = new AtomicInteger();
        Runnable submit = () -> {
            for (int i = 0; i < n; i++) {
                ring.submit((sqe, user) -> UringOps.nop(sqe, user), res -> {
                    if (res != 0) {
                        failed.incrementAndGet();
                    }
                    done.countDown();
                });
            }
        };
        ring.loop().execute(delayMillis == 0 ? submit
                : () -> ring.loop().timer(submit).schedule(delayMillis, TimeUnit.MILLISECONDS));
        assertThat(done.await(10, TimeUnit.SECONDS)).as("%d NOPs completed (%d left)", n, done.getCount()).isTrue();
        assertThat(failed.get()).isZero();
    }

    private static long[] counters(LoopRing ring) {
        return Mono.fromCallable(() -> new long[] {ring.sqWakeups(), ring.submittingEnterCount(), ring.enterCount()})
                .subscribeOn(ring.loop()).block(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "ringWait={0}")
    @ValueSource(booleans = {true, false})
    void everyOperationCompletesAndSleepingThreadsAreWoken(boolean ringWait) throws Exception {
        LoopRing ring = start(ringWait);
        assertThat(ring.setupFlags() & IoUring.SETUP_SQPOLL).as("SQPOLL accepted").isNotZero();
        assertThat(ring.setupFlags() & IoUring.SETUP_DEFER_TASKRUN).isZero();
        int armed = Mono.fromCallable(ring::inFlight).subscribeOn(ring.loop()).block(Duration.ofSeconds(5)); // the ring wait's epoll poll
        for (int burst = 0; burst < 20; burst++) {
            nops(ring, 50);
        }
        nops(ring, 1000); // sixteen times the SQ: the loop waits for the kernel thread to make room
        assertThat(Mono.fromCallable(ring::inFlight).subscribeOn(ring.loop()).block(Duration.ofSeconds(5))).isEqualTo(armed);
        long[] before = counters(ring);
        // Submitted from a timer 200 ms on (ten idle periods): the kernel thread is asleep by then.
        // (A hand-over from another thread would not do with the ring wait: the doorbell's poll
        // completion is task work of the SQPOLL thread, which wakes it anyway.)
        nops(ring, 1, 200);
        long[] after = counters(ring);
        assertThat(after[0] - before[0]).as("a sleeping SQPOLL thread is woken").isGreaterThanOrEqualTo(1);
        assertThat(after[1]).as("no enter carries submissions: the kernel thread takes them").isZero();
    }

    @ParameterizedTest(name = "ringWait={0}")
    @ValueSource(booleans = {true, false})
    void anAwakeThreadNeedsNoEnterToSubmit(boolean ringWait) throws Exception {
        LoopRing ring = start(ringWait);
        nops(ring, 1); // the thread is awake for the next 20 ms
        long[] before = counters(ring);
        nops(ring, 200);
        long[] after = counters(ring);
        // Completions still need the loop to wake (an enter that waits), but submissions none:
        // 200 operations cost far fewer enters than one each.
        assertThat(after[2] - before[2]).as("enters for 200 operations submitted in one pass").isLessThan(20);
    }

    @org.junit.jupiter.api.Test
    void badIdleTimesAreRefusedWithTheirRange() {
        assertThatThrownBy(() -> dev.evpl.reactive.core.UringConfig.builder().sqPollIdle(Duration.ofNanos(10)).build())
                .hasMessage("UringConfig.sqPollIdle must be 0 (off) or between 1 ms and 60 s, got PT0.00000001S");
        assertThatThrownBy(() -> dev.evpl.reactive.core.UringConfig.builder().sqPollIdle(Duration.ofMinutes(2)).build())
                .hasMessage("UringConfig.sqPollIdle must be 0 (off) or between 1 ms and 60 s, got PT2M");
    }
}
