import dev.evpl.reactive.core.Doorbell;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;

public class LoopTour {
    public static void main(String[] args) throws InterruptedException {
        try (EventLoopGroup loops = EventLoopGroup.create(GroupConfig.builder().threads(2).build())) {
            EventLoop loop = loops.loop(0);

            // The loop is a Reactor Scheduler: these elements are delayed and delivered on evpl-loop-0.
            Flux.range(1, 3).delayElements(Duration.ofMillis(50), loop)
                    .doOnNext(i -> System.out.println("element " + i + " on " + Thread.currentThread().getName()))
                    .blockLast();

            // Cross-thread signal: any thread rings, the callback runs on the loop (rings coalesce).
            Queue<String> work = new ConcurrentLinkedQueue<>();
            CountDownLatch handled = new CountDownLatch(1);
            Doorbell bell = loop.doorbell(() -> {
                for (String job; (job = work.poll()) != null; ) {
                    System.out.println("handled " + job + " on " + Thread.currentThread().getName());
                    handled.countDown();
                }
            });
            work.add("job-1");
            bell.ring();
            handled.await(5, TimeUnit.SECONDS);

            // Loop-confined primitives (timers, deferrals, fd events, hooks) are created on the loop.
            CountDownLatch ticks = new CountDownLatch(3);
            loop.schedule(() -> loop.timer(() -> {
                System.out.println("tick on " + Thread.currentThread().getName());
                ticks.countDown();
            }).schedulePeriodic(100, TimeUnit.MILLISECONDS));
            ticks.await(5, TimeUnit.SECONDS);
        } // closing the group stops its loops: wait for what runs on them first, as above
    }
}
