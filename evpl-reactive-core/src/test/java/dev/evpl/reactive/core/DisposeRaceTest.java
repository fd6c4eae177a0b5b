package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;

/**
 * Tasks submitted from other threads while a loop is disposed, many rounds: each submit either is
 * refused ({@code RejectedExecutionException}) or returns a task that runs or is disposed; none is
 * left pending forever (before, a task pushed after the loop's release drained its hand-over stack
 * stayed there, neither run nor disposed). Immediate and timed tasks, forced and graceful dispose.
 */
class DisposeRaceTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyTaskSubmittedDuringDisposeRunsOrIsRefusedOrDisposed(boolean graceful) throws Exception {
        int pending = 0;
        int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
            EventLoop loop = group.loop(0);
            CountDownLatch started = new CountDownLatch(2);
            AtomicBoolean stop = new AtomicBoolean();
            List<List<Object[]>> perThread = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                List<Object[]> mine = new ArrayList<>();
                perThread.add(mine);
                boolean timed = t == 1;
                Thread th = new Thread(() -> {
                    started.countDown();
                    while (!stop.get()) {
                        AtomicBoolean ran = new AtomicBoolean();
                        try {
                            Disposable d = timed ? loop.schedule(() -> ran.set(true), 1, TimeUnit.MICROSECONDS)
                                    : loop.schedule(() -> ran.set(true));
                            mine.add(new Object[] {d, ran});
                        } catch (RejectedExecutionException refused) {
                            return; // refused once disposed: the caller knows
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            started.await();
            Thread.sleep(0, (round % 10) * 50_000);
            if (graceful) {
                group.disposeGracefully().block(Duration.ofSeconds(10));
            } else {
                group.dispose();
                group.close(Duration.ofSeconds(10));
            }
            stop.set(true);
            for (Thread th : threads) {
                th.join(10_000);
            }
            for (List<Object[]> mine : perThread) {
                for (Object[] task : mine) {
                    Disposable d = (Disposable) task[0];
                    if (!((AtomicBoolean) task[1]).get() && !d.isDisposed()) {
                        pending++;
                    }
                }
            }
        }
        assertThat(pending).as("tasks neither run, refused nor disposed over %d rounds", rounds).isZero();
    }

    /**
     * Segments sent from another thread to a bind whose loop is force-disposed meanwhile: each send
     * either completes or fails, and every segment goes back to the pool (the paranoid leak check
     * after the test counts them). Before, a send handed over and then dropped by the dispose kept
     * its segment forever and its Mono never ended.
     */
    @org.junit.jupiter.api.Test
    void sendsHandedOverToALoopThatIsDisposedFailAndReleaseTheirSegments() throws Exception {
        dev.evpl.reactive.core.buffer.SharedAllocator alloc = dev.evpl.reactive.core.buffer.SharedAllocator.global();
        EventLoopGroup server = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        dev.evpl.reactive.core.bind.Listener listener = dev.evpl.reactive.core.bind.Listener.listen(
                dev.evpl.reactive.core.bind.Protocol.STREAM_SOCKET_TCP, dev.evpl.reactive.core.bind.Endpoint.inet("127.0.0.1", 0));
        Disposable attachment = listener.attach(server.loop(0),
                b -> b.receive().subscribe(dev.evpl.reactive.core.buffer.Segment::release, e -> { }));
        int unfinished = 0;
        try {
            for (int round = 0; round < 100; round++) {
                EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
                dev.evpl.reactive.core.bind.Bind bind = dev.evpl.reactive.core.bind.Bind.connect(group.loop(0),
                        dev.evpl.reactive.core.bind.Protocol.STREAM_SOCKET_TCP,
                        dev.evpl.reactive.core.bind.Endpoint.inet("127.0.0.1", listener.port())).block(Duration.ofSeconds(10));
                java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
                int sends = 300;
                Thread sender = new Thread(() -> {
                    for (int i = 0; i < sends; i++) {
                        bind.send(alloc.copyOf(new byte[64])).subscribe(c -> { }, e -> ended.incrementAndGet(), ended::incrementAndGet);
                    }
                });
                sender.start();
                Thread.sleep(0, (round % 10) * 20_000);
                group.dispose();
                sender.join(10_000);
                group.close(Duration.ofSeconds(10));
                for (int i = 0; i < 500 && ended.get() < sends; i++) {
                    Thread.sleep(2);
                }
                unfinished += sends - ended.get();
            }
        } finally {
            attachment.dispose();
            listener.dispose();
            server.close();
        }
        assertThat(unfinished).as("sends that neither completed nor failed").isZero();
    }
}
