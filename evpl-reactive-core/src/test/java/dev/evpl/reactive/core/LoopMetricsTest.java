package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** The loop's time accounting (sleep / poll / busy) and task counter, on a real loop thread. */
class LoopMetricsTest {

    @Test
    void anIdleLoopSleepsAndAPinnedOneWithAPollSourcePolls() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            Thread.sleep(300);
            long sleep = loop.sleepNanos();
            // asleep in the kernel nearly all the time, counted even while the wait is still going on
            assertThat(sleep).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
            assertThat(loop.pollNanos()).isZero();
            assertThat(loop.busyNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));

            CountDownLatch added = new CountDownLatch(1);
            Disposable[] pin = new Disposable[1];
            loop.execute(() -> {
                loop.addPollSource(new PollSource() {
                    @Override
                    public int poll() {
                        return 0;
                    }
                });
                pin[0] = loop.pin();
                added.countDown();
            });
            assertThat(added.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(20);
            long sleepWhilePolling = loop.sleepNanos();
            Thread.sleep(200);
            long polled = loop.pollNanos();
            assertThat(polled).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(150));
            assertThat(loop.sleepNanos()).isEqualTo(sleepWhilePolling); // a polling loop never sleeps
            loop.execute(() -> pin[0].dispose());
            Thread.sleep(100);
            long after = loop.pollNanos();
            Thread.sleep(100);
            assertThat(loop.pollNanos()).isEqualTo(after); // stopped polling: the stretch was closed
        }
    }

    @Test
    void tasksAreCounted() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            long before = loop.tasksRun();
            CountDownLatch done = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                loop.schedule(done::countDown);
            }
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(20);
            assertThat(loop.tasksRun() - before).isGreaterThanOrEqualTo(100);
        }
    }
}
