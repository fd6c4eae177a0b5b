package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * STREAM_IO_URING_TCP's receive side: one multishot RECV from the loop's provided buffers serves
 * many receives, is cancelled when credit runs out (the sender stalls), and closing a bind with a
 * receive armed leaves no segment behind.
 */
class RingReceiveTest {
    private EventLoopGroup group;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Protocol.STREAM_IO_URING_TCP.isAvailable(), () -> Protocol.STREAM_IO_URING_TCP.unavailableReason());
        group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void oneMultishotServesManyReceivesFromProvidedBuffers() throws Exception {
        UringPair p = new UringPair(group);
        RingStreamBind receiver = (RingStreamBind) p.server;
        long total = 32L << 20;
        Pattern.Check check = new Pattern.Check();
        receiver.receive().subscribe(check);
        LoopRing ring = reactor.core.publisher.Mono.fromCallable(() -> LoopRing.of(group.loop(1)))
                .subscribeOn(group.loop(1)).block(Duration.ofSeconds(5));
        long submittedBefore = ring.submittedCount();
        p.client.send(Pattern.stream(group.loop(0), total, 64 * 1024, new AtomicLong())).block(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (check.verified() < total && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(check.errors()).isEmpty();
        assertThat(check.verified()).isEqualTo(total);
        long receives = receiver.ringReceives();
        long submitted = ring.submittedCount() - submittedBefore;
        assertThat(receives).as("receives on the multishot path").isGreaterThan(total / (16 * 1024) - 1);
        // WRITEVs of the echo are not on this loop (the client sends): the receiving loop submitted
        // a handful of SQEs (the multishot, re-arms after buffer shortages) for thousands of receives
        assertThat(submitted).as("SQEs for %d receives", receives).isLessThan(receives / 10);
        p.close();
    }

    /** 400 messages of 64 B a millisecond apart (400 receives, about); the receive path's counters after. */
    private long[] smallReceives() throws Exception {
        UringPair p = new UringPair(group);
        RingStreamBind receiver = (RingStreamBind) p.server;
        Pattern.Check check = new Pattern.Check();
        receiver.receive().subscribe(check);
        long total = 400 * 64;
        p.client.send(Pattern.stream(group.loop(0), total, 64, new AtomicLong())
                .delayElements(Duration.ofMillis(1), group.loop(0))).block(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (check.verified() < total && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(check.errors()).isEmpty();
        assertThat(check.verified()).isEqualTo(total);
        long[] counters = reactor.core.publisher.Mono.fromCallable(() -> {
            dev.evpl.reactive.core.internal.uring.ProvidedBuffers b = LoopRing.of(group.loop(1)).providedBuffers();
            return new long[] {b.incremental() ? 1 : 0, b.copies(), b.handedOver(), receiver.ringReceives()};
        }).subscribeOn(group.loop(1)).block(Duration.ofSeconds(5));
        p.close();
        return counters;
    }

    @Test
    void smallReceivesAreSlicesOfPartlyConsumedBuffersWithoutACopy() throws Exception {
        long[] c = smallReceives();
        String[] version = System.getProperty("os.version").split("[.-]");
        boolean kernelHasInc = Integer.parseInt(version[0]) > 6 || (Integer.parseInt(version[0]) == 6 && Integer.parseInt(version[1]) >= 12);
        assertThat(c[0] == 1).as("incremental consumption on Linux %s", System.getProperty("os.version")).isEqualTo(kernelHasInc);
        Assumptions.assumeTrue(kernelHasInc, "before Linux 6.12 buffers are consumed whole (the next test's path)");
        assertThat(c[3]).as("separate receives").isGreaterThan(100);
        assertThat(c[1]).as("copies").isZero();
        // 25 KiB in 16 KiB buffers: a few finished buffers (the kernel may finish one early, 6 were
        // seen), never one per receive as a whole-buffer ring without the copy would take
        assertThat(c[2]).as("buffers handed over for %d receives of 64 B", c[3]).isLessThanOrEqualTo(c[3] / 10);
    }

    @Test
    void withWholeBuffersSmallReceivesAreCopiedAndTheBufferReused() throws Exception {
        group.close();
        dev.evpl.reactive.core.internal.uring.ProvidedBuffers.wholeBuffersForTests(true);
        try {
            group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
            long[] c = smallReceives();
            assertThat(c[0]).as("incremental").isZero();
            assertThat(c[3]).as("separate receives").isGreaterThan(100);
            // each receive is copied out (under 2 KiB) or takes its buffer along (longer: a rare coalesced one)
            assertThat(c[1] + c[2]).as("copies + buffers handed over").isEqualTo(c[3]);
            assertThat(c[1]).as("copies").isGreaterThan(100);
        } finally {
            dev.evpl.reactive.core.internal.uring.ProvidedBuffers.wholeBuffersForTests(false);
        }
    }

    @Test
    void noCreditCancelsTheReceiveAndTheSenderStalls() throws Exception {
        UringPair p = new UringPair(group);
        RingStreamBind receiver = (RingStreamBind) p.server;
        AtomicLong generated = new AtomicLong();
        p.client.send(Pattern.stream(group.loop(0), 1L << 30, 256 * 1024, generated)).subscribe(c -> { }, e -> { });
        AtomicLong got = new AtomicLong();
        BaseSubscriber<Segment> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                s.request(8);
            }

            @Override
            protected void hookOnNext(Segment s) {
                got.addAndGet(s.readableBytes());
                s.release();
            }
        };
        receiver.receive().subscribe(slow);
        Thread.sleep(300);
        long receivesAtStall = receiver.ringReceives();
        long generatedAtStall = generated.get();
        Thread.sleep(300);
        // credit of 8: the multishot was cancelled; what the kernel had in flight is kept, nothing more read
        assertThat(receiver.ringReceives()).isEqualTo(receivesAtStall);
        assertThat(generated.get()).as("the sender stalls").isLessThan(64L << 20).isEqualTo(generatedAtStall);
        assertThat(got.get()).isLessThanOrEqualTo(8L * 16 * 1024);
        slow.request(Long.MAX_VALUE);
        Thread.sleep(200);
        assertThat(generated.get()).as("credit back: the receive is armed again").isGreaterThan(generatedAtStall);
        slow.cancel();
        p.close();
    }

    @Test
    void withoutBufferRingsOneRecvPerCreditCarriesTheSameContract() throws Exception {
        group.close();
        dev.evpl.reactive.core.internal.uring.ProvidedBuffers.refuseForTests(true);
        try {
            group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
            UringPair p = new UringPair(group);
            RingStreamBind receiver = (RingStreamBind) p.server;
            AtomicLong generated = new AtomicLong();
            p.client.send(Pattern.stream(group.loop(0), 64L << 20, 256 * 1024, generated)).subscribe(c -> { }, e -> { });
            Pattern.Check check = new Pattern.Check();
            BaseSubscriber<Segment> slow = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                    s.request(8);
                }

                @Override
                protected void hookOnNext(Segment s) {
                    check.accept(s);
                }
            };
            receiver.receive().subscribe(slow);
            Thread.sleep(300);
            assertThat(receiver.ringReceives()).as("not the multishot path").isEqualTo(-1);
            assertThat(check.verified()).as("8 reads of credit").isLessThanOrEqualTo(8L * 16 * 1024);
            long stalledAt = generated.get();
            Thread.sleep(200);
            assertThat(generated.get()).as("the sender stalls").isEqualTo(stalledAt).isLessThan(64L << 20);
            slow.request(Long.MAX_VALUE);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (check.verified() < (64L << 20) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(check.errors()).isEmpty();
            assertThat(check.verified()).isEqualTo(64L << 20);
            p.close();
        } finally {
            dev.evpl.reactive.core.internal.uring.ProvidedBuffers.refuseForTests(false);
        }
    }

    @Test
    void closingWithAReceiveArmedLeavesNothingBehind() throws Exception {
        for (int i = 0; i < 20; i++) {
            UringPair p = new UringPair(group);
            p.server.receive().subscribe(Segment::release);
            EventLoop l0 = group.loop(0);
            p.client.send(Flux.defer(() -> Flux.just(Pattern.segment(l0.allocator(), 0, 1000))).subscribeOn(l0))
                    .subscribe(c -> { }, e -> { });
            Thread.sleep(5);
            p.server.close(); // the side with the receive armed first
            p.close();
        }
        // the paranoid leak check after the test sees any segment a closed receive kept
    }
}
