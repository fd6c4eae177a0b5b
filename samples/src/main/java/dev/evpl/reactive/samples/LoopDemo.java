package dev.evpl.reactive.samples;

import dev.evpl.reactive.core.Doorbell;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopTimer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code loop-demo}: two loops on two threads. Loop 0 runs a periodic {@link LoopTimer}; a plain
 * Java thread hands work to loop 1 through a {@link Doorbell}; Reactor operators run on the loops as
 * {@code Scheduler}s ({@code publishOn}, {@code delayElements}, {@code Mono.delay}, {@code timeout}).
 * Every line says which thread printed it.
 */
final class LoopDemo {
    private LoopDemo() {
    }

    static int run(String[] args, PrintStream out) throws Exception {
        long start = System.nanoTime();
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build())) {
            EventLoop timerLoop = group.loop(0);
            EventLoop bellLoop = group.loop(1);
            out.printf("evpl loop demo: %d loops %s%n", group.size(), group.loops());

            // 1. A periodic timer owned by loop 0 (armed on the loop: timers are loop-confined).
            CountDownLatch ticks = new CountDownLatch(3);
            timerLoop.schedule(() -> {
                LoopTimer[] timer = new LoopTimer[1];
                AtomicInteger n = new AtomicInteger();
                timer[0] = timerLoop.timer(() -> {
                    say(out, start, "timer tick " + n.incrementAndGet() + " (every 100 ms)");
                    ticks.countDown();
                    if (n.get() == 3) {
                        timer[0].cancel();
                    }
                });
                timer[0].schedulePeriodic(100, TimeUnit.MILLISECONDS);
            });

            // 2. A doorbell: another thread enqueues work and rings; rings coalesce into fewer calls.
            ConcurrentLinkedQueue<String> work = new ConcurrentLinkedQueue<>();
            AtomicInteger callbacks = new AtomicInteger();
            AtomicInteger handled = new AtomicInteger();
            CountDownLatch allHandled = new CountDownLatch(1);
            int items = 1000;
            Doorbell bell = bellLoop.doorbell(() -> {
                int took = 0;
                while (work.poll() != null) {
                    took++;
                }
                callbacks.incrementAndGet();
                if (handled.addAndGet(took) == items) {
                    say(out, start, "doorbell: " + items + " work items from thread 'producer' in "
                            + callbacks.get() + " callback(s), " + bellLoop.wakeups() + " eventfd wake-up(s)");
                    allHandled.countDown();
                }
            });
            Thread producer = new Thread(() -> {
                for (int i = 0; i < items; i++) {
                    work.add("item-" + i);
                    bell.ring();
                }
            }, "producer");
            producer.start();

            // 3. The loops as Reactor Schedulers.
            String interval = Flux.range(1, 3)
                    .delayElements(Duration.ofMillis(50), bellLoop)
                    .doOnNext(i -> say(out, start, "delayElements(50 ms) -> " + i))
                    .map(String::valueOf)
                    .reduce((a, b) -> a + "," + b)
                    .block(Duration.ofSeconds(5));
            Long delayed = Mono.delay(Duration.ofMillis(120), timerLoop)
                    .doOnNext(x -> say(out, start, "Mono.delay(120 ms) fired"))
                    .block(Duration.ofSeconds(5));
            String timedOut = Mono.never().timeout(Duration.ofMillis(80), timerLoop)
                    .map(String::valueOf)
                    .onErrorResume(e -> {
                        say(out, start, "timeout(80 ms) -> " + e.getClass().getSimpleName());
                        return Mono.just("timed out");
                    })
                    .block(Duration.ofSeconds(5));
            long sum = Flux.range(1, 100_000).publishOn(timerLoop).reduce(0L, Long::sum).block(Duration.ofSeconds(5));
            say(out, start, "publishOn: summed 100000 elements on " + timerLoop.name() + " = " + sum);

            producer.join();
            boolean ok = ticks.await(5, TimeUnit.SECONDS) && allHandled.await(5, TimeUnit.SECONDS)
                    && "1,2,3".equals(interval) && delayed != null && "timed out".equals(timedOut)
                    && sum == 5_000_050_000L;
            out.printf("loops: %s ran %d passes, %s ran %d passes%n", timerLoop.name(), timerLoop.iterations(),
                    bellLoop.name(), bellLoop.iterations());
            out.println(ok ? "loop demo OK" : "loop demo FAILED");
            return ok ? 0 : 1;
        }
    }

    private static void say(PrintStream out, long start, String what) {
        out.printf("%8.1f ms [%s] %s%n", (System.nanoTime() - start) / 1e6, Thread.currentThread().getName(), what);
    }
}
