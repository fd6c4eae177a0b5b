package dev.evpl.reactive.core.internal.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.LoopTimer;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code IoHandlerType.IO_URING}: the ring does the loop's kernel wait. Timers, hand-overs from other
 * threads, epoll descriptors and ring completions all still wake the loop, and a pass that submits
 * and waits makes one {@code io_uring_enter}.
 */
class RingWaitTest {
    private EventLoopGroup group;
    private EventLoop loop;
    private LoopRing ring;

    @BeforeEach
    void start() {
        assumeTrue(LoopRing.isAvailable(), () -> "io_uring unavailable here: " + LoopRing.unavailableReason());
        group = EventLoopGroup.create(GroupConfig.builder().threads(2)
                .loopConfig(LoopConfig.builder().ioHandler(dev.evpl.reactive.core.IoHandlerType.IO_URING).build()).build());
        loop = group.loop(0);
        ring = Mono.fromCallable(() -> LoopRing.of(loop)).subscribeOn(loop).block(Duration.ofSeconds(5));
        Mono.fromRunnable(() -> LoopRing.of(group.loop(1))).subscribeOn(group.loop(1)).block(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void timersAndHandOversWakeALoopWaitingInItsRing() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        long[] at = new long[2];
        loop.execute(() -> {
            at[0] = System.nanoTime();
            LoopTimer t = loop.timer(() -> {
                at[1] = System.nanoTime();
                fired.countDown();
            });
            t.schedule(50, TimeUnit.MILLISECONDS);
        });
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(at[1] - at[0]).as("never early").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        Thread.sleep(100); // asleep in io_uring_enter now
        for (int i = 0; i < 100; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            loop.schedule(ran::countDown); // from this thread: the doorbell in epoll, epoll polled by the ring
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Passes and enters, read together on the loop. */
    private long[] snapshot() {
        return Mono.fromCallable(() -> new long[] {loop.iterations(), ring.enterCount()}).subscribeOn(loop)
                .block(Duration.ofSeconds(5));
    }

    @Test
    void tcpOnTheRingWithOneEnterPerPass() throws Exception {
        Listener listener = Listener.listen(Protocol.STREAM_IO_URING_TCP, Endpoint.inet("127.0.0.1", 0));
        try {
            Sinks.One<Bind> accepted = Sinks.one();
            listener.attach(group.loop(1), accepted::tryEmitValue);
            Bind client = Bind.connect(loop, Protocol.STREAM_IO_URING_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                    .block(Duration.ofSeconds(5));
            Bind server = accepted.asMono().block(Duration.ofSeconds(5));
            server.send(server.receive()).subscribe(c -> { }, e -> { }); // echo
            long[] before = snapshot();
            int n = 2000;
            AtomicLong echoed = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            client.receive().subscribe(s -> {
                if (echoed.addAndGet(s.readableBytes()) >= 6L * n) {
                    done.countDown();
                }
                s.release();
            });
            // one message at a time: each round trip is a pass that submits a write and waits
            Flux.range(0, n).concatMap(i -> client.send(Mono.fromCallable(
                    () -> loop.allocator().copyOf("ping!\n".getBytes(StandardCharsets.US_ASCII))).subscribeOn(loop))
                    .then(Mono.delay(Duration.ofNanos(1), loop)), 1).blockLast(Duration.ofSeconds(60));
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            long[] after = snapshot();
            long passes = after[0] - before[0];
            long enters = after[1] - before[1];
            // at most one per pass (+1: the snapshot is taken inside a pass, before its end)
            assertThat(enters).as("io_uring_enter calls for %d passes", passes).isLessThanOrEqualTo(passes + 1);
            assertThat(passes).as("passes for %d round trips", n).isGreaterThanOrEqualTo(n);
            client.close();
            server.close();
        } finally {
            listener.dispose();
        }
    }

    @Test
    void aPollingLoopMakesNoSystemCallWhileNothingIsPending() throws Exception {
        try (EventLoopGroup polling = EventLoopGroup.create(GroupConfig.builder().threads(1)
                .loopConfig(LoopConfig.builder().ioHandler(dev.evpl.reactive.core.IoHandlerType.IO_URING).spin(Duration.ofMillis(500))
                        // the subject is the polling pass, not the governor: a busy machine must not stop the spin
                        .spinCoreShare(0).build()).build())) {
            EventLoop l = polling.loop(0);
            LoopRing r = Mono.fromCallable(() -> LoopRing.of(l)).subscribeOn(l).block(Duration.ofSeconds(5));
            assertThat(r.setupFlags() & IoUring.SETUP_TASKRUN_FLAG).as("TASKRUN_FLAG accepted").isNotZero();
            // A completion is activity: the loop polls for the next 500 ms.
            CountDownLatch done = new CountDownLatch(1);
            l.execute(() -> r.submit((sqe, user) -> UringOps.nop(sqe, user), res -> done.countDown()));
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(20);
            long[] before = Mono.fromCallable(() -> new long[] {l.iterations(), r.enterCount()}).subscribeOn(l).block(Duration.ofSeconds(5));
            Thread.sleep(100);
            long[] after = Mono.fromCallable(() -> new long[] {l.iterations(), r.enterCount()}).subscribeOn(l).block(Duration.ofSeconds(5));
            long passes = after[0] - before[0];
            long enters = after[1] - before[1];
            assertThat(passes).as("passes while polling 100 ms").isGreaterThan(1000);
            // the two snapshot hand-overs wake the loop through epoll (each at most an enter or two)
            assertThat(enters).as("io_uring_enter calls in %d polling passes", passes).isLessThanOrEqualTo(4);
        }
    }
}
