package dev.evpl.reactive.core;

import dev.evpl.reactive.testsupport.LoopErrorsExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The Reactor {@link Scheduler} contract of a loop, on a real loop thread. */
class EventLoopSchedulerTest {
    private EventLoopGroup group;
    private EventLoop loop;

    @BeforeEach
    void start() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(1).threadNamePrefix("sched-test").build());
        loop = group.loop(0);
    }

    @AfterEach
    void stop() {
        group.close();
    }

    private static boolean onLoop() {
        return Thread.currentThread().getName().equals("sched-test-0");
    }

    @Test
    void publishOnDeliversEverySignalOnTheLoopThreadInOrder() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        StepVerifier.create(Flux.range(1, 10_000)
                        .publishOn(loop, 64)
                        .doOnEach(s -> threads.add(Thread.currentThread().getName()))
                        .reduce(0L, (acc, i) -> {
                            assertThat(acc).isEqualTo((long) (i - 1) * i / 2);
                            return acc + i;
                        }))
                .expectNext(10_000L * 10_001 / 2)
                .verifyComplete();
        assertThat(threads).containsExactly("sched-test-0");
    }

    @Test
    void subscribeOnSubscribesOnTheLoop() {
        StepVerifier.create(Mono.fromCallable(() -> Thread.currentThread().getName()).subscribeOn(loop))
                .expectNext("sched-test-0")
                .verifyComplete();
    }

    @Test
    void delayElementsIntervalDelayAndTimeoutUseTheLoopsTimers() {
        List<Boolean> onLoop = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        StepVerifier.create(Flux.just(1, 2, 3).delayElements(Duration.ofMillis(20), loop)
                        .doOnEach(s -> onLoop.add(onLoop())))
                .expectNext(1, 2, 3)
                .verifyComplete();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(60));
        assertThat(onLoop).containsOnly(true).hasSize(4);

        StepVerifier.create(Flux.interval(Duration.ofMillis(5), loop).take(5).map(i -> onLoop() ? i : -1))
                .expectNext(0L, 1L, 2L, 3L, 4L)
                .verifyComplete();

        long delayStart = System.nanoTime();
        StepVerifier.create(Mono.delay(Duration.ofMillis(50), loop).map(x -> onLoop()))
                .expectNext(true)
                .verifyComplete();
        assertThat(System.nanoTime() - delayStart).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));

        AtomicBoolean errorOnLoop = new AtomicBoolean();
        StepVerifier.create(Mono.never().timeout(Duration.ofMillis(30), loop).doOnError(e -> errorOnLoop.set(onLoop())))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(errorOnLoop).isTrue();
    }

    @Test
    void scheduleFromAnotherThreadWakesTheLoopAndFromTheLoopMakesNoSystemCall() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean ranOnLoop = new AtomicBoolean();
        loop.schedule(() -> {
            ranOnLoop.set(onLoop());
            ran.countDown();
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOnLoop).isTrue();

        CountDownLatch done = new CountDownLatch(1);
        AtomicLong wakeupsDuring = new AtomicLong(-1);
        loop.schedule(() -> {
            long before = loop.wakeups();
            AtomicInteger count = new AtomicInteger();
            for (int i = 0; i < 1000; i++) {
                loop.schedule(() -> {
                    if (count.incrementAndGet() == 1000) {
                        wakeupsDuring.set(loop.wakeups() - before);
                        done.countDown();
                    }
                });
            }
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(wakeupsDuring).hasValue(0);
    }

    @Test
    void disposingAWorkerCancelsOnlyItsOwnTasks() throws Exception {
        Scheduler.Worker w1 = loop.createWorker();
        Scheduler.Worker w2 = loop.createWorker();
        AtomicInteger ran1 = new AtomicInteger();
        AtomicInteger ran2 = new AtomicInteger();
        // Hold the loop busy (spinning, not blocking) so immediate tasks queue up behind it.
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch busy = new CountDownLatch(1);
        loop.schedule(() -> {
            busy.countDown();
            while (!release.get()) {
                // a plain volatile spin: BlockHound (rightly) counts Thread.onSpinWait() as blocking
            }
        });
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            w1.schedule(ran1::incrementAndGet);
            w2.schedule(ran2::incrementAndGet);
        }
        w1.schedule(ran1::incrementAndGet, 30, TimeUnit.MILLISECONDS);
        w2.schedule(ran2::incrementAndGet, 30, TimeUnit.MILLISECONDS);
        Disposable periodic1 = w1.schedulePeriodically(ran1::incrementAndGet, 1, 1, TimeUnit.MILLISECONDS);
        w1.dispose();
        release.set(true);
        Thread.sleep(100);
        assertThat(ran1).hasValue(0);
        assertThat(ran2).hasValue(11);
        assertThat(w1.isDisposed()).isTrue();
        assertThat(periodic1.isDisposed()).isTrue();
        assertThatThrownBy(() -> w1.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
        w2.dispose();
    }

    @Test
    void aDisposedTaskDoesNotRun() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Disposable delayed = loop.schedule(ran::incrementAndGet, 50, TimeUnit.MILLISECONDS);
        Disposable periodic = loop.schedulePeriodically(ran::incrementAndGet, 20, 20, TimeUnit.MILLISECONDS);
        delayed.dispose();
        periodic.dispose();
        assertThat(delayed.isDisposed()).isTrue();
        Thread.sleep(120);
        assertThat(ran).hasValue(0);
    }

    @Test
    void aPeriodicTaskRunsRepeatedlyOnTheLoop() throws Exception {
        CountDownLatch five = new CountDownLatch(5);
        AtomicBoolean allOnLoop = new AtomicBoolean(true);
        Disposable d = loop.schedulePeriodically(() -> {
            allOnLoop.compareAndSet(true, onLoop());
            five.countDown();
        }, 0, 2, TimeUnit.MILLISECONDS);
        assertThat(five.await(5, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        assertThat(allOnLoop).isTrue();
    }

    @Test
    void onScheduleHooksApply() throws Exception {
        AtomicInteger decorated = new AtomicInteger();
        Schedulers.onScheduleHook("evpl-test", task -> () -> {
            decorated.incrementAndGet();
            task.run();
        });
        try {
            CountDownLatch ran = new CountDownLatch(3);
            loop.schedule(ran::countDown);
            loop.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
            loop.createWorker().schedule(ran::countDown);
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(decorated).hasValue(3);
        } finally {
            Schedulers.resetOnScheduleHook("evpl-test");
        }
    }

    @Test
    void disposeRejectsNewWork() {
        loop.dispose();
        assertThat(loop.isDisposed()).isTrue();
        assertThatThrownBy(() -> loop.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("sched-test-0 is disposed");
        assertThatThrownBy(() -> loop.schedule(() -> { }, 1, TimeUnit.SECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> loop.createWorker()).isInstanceOf(RejectedExecutionException.class);
        StepVerifier.create(loop.onTerminate()).expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void disposeGracefullyRunsSubmittedTasksFirst() {
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            loop.schedule(ran::incrementAndGet);
        }
        StepVerifier.create(loop.disposeGracefully()).expectComplete().verify(Duration.ofSeconds(5));
        assertThat(ran).hasValue(100);
        assertThat(loop.isDisposed()).isTrue();
    }

    @Test
    void blockOnTheLoopThreadFails() {
        StepVerifier.create(Mono.fromCallable(() -> Mono.just(1).hide().block()).subscribeOn(loop))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("block()/blockFirst()/blockLast() are blocking")
                        .hasMessageContaining("sched-test-0"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(Mono.fromCallable(Schedulers::isInNonBlockingThread).subscribeOn(loop))
                .expectNext(true)
                .verifyComplete();
    }

    @Test
    void blockHoundCatchesABlockingCallOnTheLoop() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return 1;
                }).subscribeOn(loop))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class)
                        .hasMessageContaining("Thread.sleep"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aBlockingCallInsideALambdaSubscriberOnTheLoopIsReportedNotJustACancel() throws Exception {
        // Reactor turns the BlockHound error thrown by the consumer into a cancel plus a dropped
        // error; the test extension must see it (else the test only sees data stop coming).
        CountDownLatch cancelled = new CountDownLatch(1);
        Flux.range(1, 3).publishOn(loop).doOnCancel(cancelled::countDown).subscribe(i -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(cancelled.await(5, TimeUnit.SECONDS)).isTrue();
        // The cancel comes first, the dropped error right after it on the loop.
        List<Throwable> reported = dev.evpl.reactive.testsupport.LoopErrorsExtension.take();
        for (int i = 0; i < 500 && reported.isEmpty(); i++) {
            Thread.sleep(10);
            reported = dev.evpl.reactive.testsupport.LoopErrorsExtension.take();
        }
        assertThat(reported).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("dropped by Reactor on sched-test-0")
                .rootCause().isInstanceOf(BlockingOperationError.class).hasMessageContaining("Thread.sleep"));
    }

    @Test
    void aTaskThatThrowsIsLoggedCountedAndTheLoopGoesOn() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.evpl.reactive.core.EventLoop");
        List<java.util.logging.LogRecord> logged = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            long before = loop.callbackErrors();
            loop.schedule(() -> {
                throw new IllegalStateException("boom from a task");
            });
            CountDownLatch after = new CountDownLatch(1);
            loop.schedule(after::countDown);
            assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(LoopErrorsExtension.take()).singleElement()
                    .satisfies(e -> assertThat(e).hasMessageContaining("sched-test-0").hasRootCauseMessage("boom from a task"));
            assertThat(loop.callbackErrors()).isEqualTo(before + 1);
            assertThat(logged).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.SEVERE); // System.Logger's ERROR on JUL
                assertThat(r.getMessage()).contains("event loop sched-test-0");
                assertThat(r.getThrown()).hasMessage("boom from a task");
            });
        } finally {
            jul.removeHandler(capture);
        }
    }

    @Test
    void reactorVirtualTimeComposesWithTheLoop() {
        StepVerifier.withVirtualTime(() -> Mono.delay(Duration.ofHours(1)).publishOn(loop).map(x -> onLoop()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMinutes(59))
                .thenAwait(Duration.ofMinutes(1))
                .expectNext(true)
                .verifyComplete();
    }

    @Test
    void timersOfALoopOnAVirtualClockFollowTheClock() {
        VirtualClock clock = new VirtualClock();
        GroupConfig config = GroupConfig.builder().threads(1).threadNamePrefix("virtual")
                .loopConfig(LoopConfig.builder().clock(clock).build()).build();
        try (EventLoopGroup virtual = EventLoopGroup.create(config)) {
            EventLoop vloop = virtual.loop(0);
            StepVerifier.create(Mono.delay(Duration.ofHours(1), vloop).map(x -> vloop.now(TimeUnit.MINUTES)))
                    .expectSubscription()
                    .then(() -> clock.advance(Duration.ofMinutes(59)))
                    .expectNoEvent(Duration.ofMillis(100))
                    .then(() -> clock.advance(Duration.ofMinutes(1)))
                    .expectNext(60L)
                    .expectComplete()
                    .verify(Duration.ofSeconds(5));
        }
    }

    @Test
    void timersSubmittedFromAnotherThreadIntoALongWaitAreNeverEarly() throws Exception {
        loop.schedule(() -> { }, 10, TimeUnit.SECONDS); // the loop now sleeps with a 10 s bound
        Thread.sleep(20);
        int n = 200;
        java.util.Random random = new java.util.Random(42);
        long[] lateness = new long[n];
        CountDownLatch fired = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            long delay = TimeUnit.MICROSECONDS.toNanos(100 + random.nextInt(30_000));
            long submitted = System.nanoTime();
            loop.schedule(() -> {
                lateness[index] = System.nanoTime() - submitted - delay;
                fired.countDown();
            }, delay, TimeUnit.NANOSECONDS);
            if (i % 20 == 0) {
                Thread.sleep(1); // let some land while the loop sleeps on a shorter bound
            }
        }
        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        long[] sorted = lateness.clone();
        java.util.Arrays.sort(sorted);
        assertThat(sorted[0]).as("earliest firing relative to its deadline (ns)").isNotNegative();
        // Precision is reported, not asserted tightly: the machine is shared. A loose bound still
        // catches a wait that ignores new timers (it would be ~10 s late).
        assertThat(sorted[n / 2]).as("median lateness (ns)").isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
    }
}
