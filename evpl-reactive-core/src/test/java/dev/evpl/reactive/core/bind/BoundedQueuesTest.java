package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Queues a caller can fill without waiting are bounded, and a send past the bound fails at once
 * with a message saying why: one-segment stream sends (64 MiB unsent), datagram sends (4096
 * waiting), the DNS cache (4096 names).
 */
class BoundedQueuesTest {

    @Test
    void oneSegmentSendsToAPeerThatDoesNotReadStopAtTheBacklogLimit() {
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build())) {
            Listener listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
            Sinks.One<Bind> accepted = Sinks.one();
            listener.attach(group.loop(1), accepted::tryEmitValue); // never reads
            Bind client = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                    .block(Duration.ofSeconds(5));
            Bind server = accepted.asMono().block(Duration.ofSeconds(5));
            ConcurrentLinkedQueue<Throwable> refused = new ConcurrentLinkedQueue<>();
            AtomicInteger written = new AtomicInteger();
            EventLoop loop = client.loop();
            // 6 000 x 16 KiB = 94 MiB fired without waiting, from loop tasks, with passes in between.
            for (int batch = 0; batch < 6; batch++) {
                Mono.fromRunnable(() -> {
                    for (int i = 0; i < 1000; i++) {
                        client.send(loop.allocator().allocate(16 * 1024)).subscribe(c -> written.incrementAndGet(), refused::add);
                    }
                }).subscribeOn(loop).block(Duration.ofSeconds(10));
            }
            for (int i = 0; i < 200 && refused.isEmpty(); i++) {
                sleep(10);
            }
            assertThat(refused).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bytes already wait to be written (limit 67108864), the peer is not reading"));
            assertThat(client.sendBacklog()).isLessThanOrEqualTo(MonoSendOne.MAX_BACKLOG + 16 * 1024);
            client.close(); // the queued rest fails and is released (the leak check sees to it)
            server.close();
            listener.dispose();
        }
    }

    @Test
    void datagramSendsBeyondTheQueueBoundFailAtOnce() {
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1).build())) {
            EventLoop loop = group.loop(0);
            DatagramBind udp = DatagramBind.open(loop, Protocol.DATAGRAM_SOCKET_UDP, Endpoint.inet("127.0.0.1", 0))
                    .block(Duration.ofSeconds(5));
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", 9); // discard: nobody needs to read
            AtomicInteger ok = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> refused = new ConcurrentLinkedQueue<>();
            // All in one task: nothing is flushed before the 5 000 are queued.
            Mono.fromRunnable(() -> {
                for (int i = 0; i < 5000; i++) {
                    udp.send(new Datagram(loop.allocator().allocate(32), to)).subscribe(c -> ok.incrementAndGet(), refused::add);
                }
            }).subscribeOn(loop).block(Duration.ofSeconds(10));
            for (int i = 0; i < 300 && ok.get() + refused.size() < 5000; i++) {
                sleep(10);
            }
            assertThat(refused).hasSize(5000 - UdpBind.MAX_QUEUED).allSatisfy(e -> assertThat(e)
                    .hasMessage("datagram send refused: 4096 datagrams already wait for the socket; wait for sends to complete"));
            udp.close();
        }
    }

    @Test
    void theDnsCacheKeepsAtMostItsBoundOfNames() throws Exception {
        AtomicLong now = new AtomicLong();
        InetAddress local = InetAddress.getByName("127.0.0.1");
        DnsCache cache = new DnsCache(host -> local, Duration.ofSeconds(5), now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(cache.resolve("host-" + i)).isEqualTo(local);
        }
        assertThat(cache.size()).isEqualTo(DnsCache.MAX_ENTRIES);
        now.addAndGet(Duration.ofSeconds(6).toNanos()); // all expired: they make room
        cache.resolve("fresh");
        assertThat(cache.size()).isEqualTo(1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
