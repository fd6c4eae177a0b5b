package dev.evpl.reactive.core.internal.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.IoHandlerType;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.LoopHook;
import dev.evpl.reactive.core.internal.loop.EpollIoHandler;
import dev.evpl.reactive.core.internal.loop.IoHandler;
import dev.evpl.reactive.core.internal.loop.LoopAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * {@link IoHandlerType}: which handler a loop owns before and after its ring exists, and that the
 * pass delivers ring completions at the same point whatever the handler: right after the wait,
 * before hand-overs and the pass's end.
 */
class IoHandlerTypeTest {
    private EventLoopGroup group;

    @AfterEach
    void stop() {
        if (group != null) {
            group.close();
        }
    }

    private EventLoop start(IoHandlerType type, Duration spin) {
        assumeTrue(LoopRing.isAvailable(), () -> "io_uring unavailable here: " + LoopRing.unavailableReason());
        group = EventLoopGroup.create(GroupConfig.builder().threads(1)
                .loopConfig(LoopConfig.builder().ioHandler(type).spin(spin).build()).build());
        return group.loop(0);
    }

    private static <T> T on(EventLoop loop, java.util.concurrent.Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(loop).block(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(IoHandlerType.class)
    void theLoopOwnsTheHandlerItsTypeNamesBeforeAndAfterItsRingExists(IoHandlerType type) {
        EventLoop loop = start(type, Duration.ofMillis(1));
        IoHandler before = on(loop, () -> LoopAccess.get().ioHandler(loop));
        assertThat(before).isInstanceOf(type == IoHandlerType.IO_URING ? RingIoHandler.class : EpollIoHandler.class);
        IoHandler after = on(loop, () -> {
            LoopRing.of(loop);
            return LoopAccess.get().ioHandler(loop);
        });
        assertThat(after).isInstanceOf(type == IoHandlerType.EPOLL ? EpollIoHandler.class : RingIoHandler.class);
        if (type == IoHandlerType.IO_URING) {
            assertThat(after).as("created with the loop, not replaced").isSameAs(before);
        }
        // Either way the epoll set is the loop's one base: the ring handler wraps it.
        assertThat(on(loop, () -> after.pollable())).isTrue();
    }

    /**
     * Every pass runs "wait, I/O, hand-overs, ..., end": a ring completion is delivered after the
     * pass's wait, and before a hand-over that was pending at the same time, whatever the handler,
     * also while the loop spins. Each round: a task on the loop submits a NOP and holds the loop
     * until another thread has handed a task over, so the next pass finds both.
     */
    @ParameterizedTest
    @EnumSource(IoHandlerType.class)
    void ringCompletionsRunRightAfterTheWaitAndBeforeHandOversInEveryMode(IoHandlerType type) throws Exception {
        for (Duration spin : new Duration[] {Duration.ZERO, Duration.ofMillis(50)}) {
            EventLoop loop = start(type, spin);
            List<String> log = new ArrayList<>();
            Disposable[] hook = new Disposable[1];
            on(loop, () -> hook[0] = loop.addHook(LoopHook.AFTER_WAIT, () -> log.add("W")));
            for (int round = 0; round < 200; round++) {
                AtomicBoolean submitted = new AtomicBoolean();
                AtomicBoolean pushed = new AtomicBoolean();
                CompletableFuture<Void> completed = new CompletableFuture<>();
                CompletableFuture<Void> handed = new CompletableFuture<>();
                loop.execute(() -> {
                    LoopRing.of(loop).submit((sqe, user) -> UringOps.nop(sqe, user), res -> {
                        log.add("C");
                        completed.complete(null);
                    });
                    submitted.set(true);
                    // Holds the pass (a plain busy loop: BlockHound counts onSpinWait as blocking) so
                    // that the hand-over and the NOP's completion meet in the next pass.
                    while (!pushed.get()) {
                        assertThat(submitted.get()).isTrue();
                    }
                });
                while (!submitted.get()) {
                    Thread.onSpinWait();
                }
                loop.handOver(() -> {
                    log.add("H");
                    handed.complete(null);
                }, () -> { });
                pushed.set(true);
                CompletableFuture.allOf(completed, handed).get(5, TimeUnit.SECONDS);
            }
            String seq = on(loop, () -> {
                hook[0].dispose();
                return String.join("", log);
            });
            assertThat(seq).as("a completion after a hand-over of its pass, or before the wait").doesNotContain("HC");
            assertThat(seq.chars().filter(c -> c == 'C').count()).isEqualTo(200);
            group.close();
            group = null;
        }
    }
}
