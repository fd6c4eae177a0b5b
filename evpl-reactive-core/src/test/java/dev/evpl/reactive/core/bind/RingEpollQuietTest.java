package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.internal.loop.LoopAccess;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A connected STREAM_IO_URING_TCP socket is served by the ring alone: it is not in the loop's
 * epoll set (a connecting one is, until its connect completes), so its traffic never makes the
 * ring handler read epoll. Before, every received packet raised an epoll edge: the loop's poll of
 * the epoll set completed and the pass made an epoll_wait that found nothing for it (this test's
 * server loop: 1 968 epoll reads for 2 000 round trips before, fewer than 20 now).
 */
class RingEpollQuietTest {
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

    private static long epollWaits(EventLoop loop) {
        return Mono.fromCallable(() -> LoopAccess.get().epoll(loop).waits()).subscribeOn(loop).block(Duration.ofSeconds(5));
    }

    @Test
    void trafficOnConnectedRingSocketsMakesNoEpollReads() {
        try (UringPair p = new UringPair(group)) {
            for (Bind b : new Bind[] {p.client, p.server}) {
                RingStreamBind r = (RingStreamBind) b;
                assertThat(Mono.fromCallable(() -> r.event == null).subscribeOn(b.loop()).block(Duration.ofSeconds(5)))
                        .as("connected " + b + " off the epoll set").isTrue();
            }
            p.server.send(p.server.receive()).subscribe();
            java.util.concurrent.atomic.AtomicLong got = new java.util.concurrent.atomic.AtomicLong();
            p.client.receive().subscribe(seg -> {
                got.addAndGet(seg.readableBytes());
                seg.release();
            });
            long before0 = epollWaits(group.loop(0));
            long wakeups0 = group.loop(0).wakeups();
            long before1 = epollWaits(group.loop(1));
            int rounds = 2_000;
            // One 8-byte message in flight at a time: both loops sleep between packets, each wakes per packet.
            for (int i = 0; i < rounds; i++) {
                p.client.sendString("ping-" + (i / 100 % 10) + (i % 10) + "x").block(Duration.ofSeconds(5));
                long want = (i + 1) * 8L;
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (got.get() < want) {
                    assertThat(System.nanoTime()).as("echo of message " + i).isLessThan(deadline);
                    Thread.onSpinWait();
                }
            }
            // The server loop only serves its socket: no epoll read at all but for stray wake-ups.
            assertThat(epollWaits(group.loop(1)) - before1).as("epoll reads, server loop").isLessThan(20);
            // The client loop is also woken by the test thread's sends (the wake eventfd is in epoll):
            // at most one epoll read per wake-up, none for its socket's packets.
            long wakes = group.loop(0).wakeups() - wakeups0;
            assertThat(epollWaits(group.loop(0)) - before0).as("epoll reads, client loop (" + wakes + " wake-ups)")
                    .isLessThanOrEqualTo(wakes + 20);
        }
    }
}
