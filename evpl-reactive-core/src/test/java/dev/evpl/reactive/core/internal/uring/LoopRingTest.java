package dev.evpl.reactive.core.internal.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The loop's ring over real io_uring, the loop waiting in epoll: batching, completions on the loop,
 * waiting beyond capacity, wake-ups.
 */
class LoopRingTest {
    private EventLoopGroup group;
    private EventLoop loop;

    @BeforeEach
    void start() {
        assumeTrue(LoopRing.isAvailable(), () -> "io_uring unavailable here: " + LoopRing.unavailableReason());
        // The loop waits in epoll here (the ring signals an eventfd); RingWaitTest covers the ring wait.
        group = EventLoopGroup.create(GroupConfig.builder().threads(1)
                .loopConfig(dev.evpl.reactive.core.LoopConfig.builder().ioHandler(dev.evpl.reactive.core.IoHandlerType.EPOLL).build()).build());
        loop = group.loop(0);
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.close();
        }
    }

    private static void nop(LoopRing ring, LoopRing.Completion done) {
        ring.submit((sqe, user) -> UringOps.nop(sqe, user), done);
    }

    @Test
    void aPassWorthOfSubmissionsIsOneSystemCallAndCompletionsRunOnTheLoop() throws Exception {
        int n = 1000; // four times the ring: the rest waits and goes out as slots free up
        CountDownLatch all = new CountDownLatch(n);
        CountDownLatch first = new CountDownLatch(100);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger results = new AtomicInteger();
        long[] enters = Mono.fromCallable(() -> {
            LoopRing ring = LoopRing.of(loop);
            long before = ring.enterCount();
            for (int i = 0; i < 100; i++) {
                nop(ring, res -> {
                    threads.add(Thread.currentThread().getName());
                    results.addAndGet(res);
                    first.countDown();
                    all.countDown();
                });
            }
            return new long[] {before, ring.setupFlags()};
        }).subscribeOn(loop).block(Duration.ofSeconds(5));
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        long after = Mono.fromCallable(() -> LoopRing.of(loop).enterCount()).subscribeOn(loop).block(Duration.ofSeconds(5));
        assertThat(after - enters[0]).as("io_uring_enter calls for 100 NOPs queued in one pass").isEqualTo(1);
        Mono.fromRunnable(() -> {
            LoopRing ring = LoopRing.of(loop);
            for (int i = 0; i < n - 100; i++) {
                nop(ring, res -> {
                    threads.add(Thread.currentThread().getName());
                    all.countDown();
                });
            }
            assertThat(ring.inFlight()).as("bounded by the ring").isEqualTo(256);
            assertThat(ring.waiting()).isEqualTo(n - 100 - 256);
        }).subscribeOn(loop).block(Duration.ofSeconds(5));
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(results.get()).as("a NOP completes with 0").isZero();
        assertThat(threads).containsExactly("evpl-loop-0");
        assertThat(Mono.fromCallable(() -> LoopRing.of(loop).inFlight()).subscribeOn(loop).block()).isZero();
    }

    @Test
    void theRingSizeComesFromTheLoopConfig() throws Exception {
        {
            try (EventLoopGroup g = EventLoopGroup.create(GroupConfig.builder().threads(1)
                    .loopConfig(dev.evpl.reactive.core.LoopConfig.builder().ioHandler(dev.evpl.reactive.core.IoHandlerType.EPOLL)
                            .uring(dev.evpl.reactive.core.UringConfig.builder().entries(64).build()).build()).build())) {
                EventLoop l = g.loop(0);
                CountDownLatch all = new CountDownLatch(200);
                int[] capped = Mono.fromCallable(() -> {
                    LoopRing ring = LoopRing.of(l);
                    for (int i = 0; i < 200; i++) {
                        nop(ring, res -> all.countDown());
                    }
                    return new int[] {ring.inFlight(), ring.waiting(), ring.setupFlags()};
                }).subscribeOn(l).block(Duration.ofSeconds(5));
                assertThat(capped[0]).as("in flight, capped by UringConfig.entries").isEqualTo(64);
                assertThat(capped[1]).isEqualTo(136);
                assertThat(all.await(10, TimeUnit.SECONDS)).as("every NOP completed").isTrue();
            }
        }
        assertThatThrownBy(() -> dev.evpl.reactive.core.UringConfig.builder().entries(100).build())
                .hasMessage("UringConfig.entries must be a power of two between 8 and 32768, got 100");
    }

    @Test
    void aCompletionWakesASleepingLoop() throws Exception {
        // A timeout op completes 50 ms later, while the loop sleeps in epoll: the ring's eventfd wakes it.
        long ts = dev.evpl.reactive.core.internal.nativeio.NativeMemory.allocate(16);
        try {
            dev.evpl.reactive.core.internal.nativeio.NativeMemory.putLong(ts, 0);
            dev.evpl.reactive.core.internal.nativeio.NativeMemory.putLong(ts + 8, 50_000_000L);
            CountDownLatch done = new CountDownLatch(1);
            int[] res = new int[1];
            long start = System.nanoTime();
            loop.schedule(() -> LoopRing.of(loop).submit(
                    (sqe, user) -> UringOps.prep(sqe, (byte) 11 /* IORING_OP_TIMEOUT: a test-only opcode */, -1, ts, 1, 0, 0, user),
                    r -> {
                        res[0] = r;
                        done.countDown();
                    }));
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(res[0]).as("-ETIME").isEqualTo(-62);
            assertThat(ms).isBetween(40L, 2000L);
        } finally {
            dev.evpl.reactive.core.internal.nativeio.NativeMemory.free(ts);
        }
    }
}
