package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A ring's size bounds one-shot operations in flight, never connections: every io_uring TCP
 * connection holds one armed multishot receive, and a listener one multishot accept. With an
 * 8-entry ring, 300 connections served by one loop all echo, the loop stays alive, and no
 * exception escapes. Before the fix the 9th connection threw "ring ... is full: cannot start a
 * multishot operation" from a completion and killed the loop.
 */
class RingManyConnectionsTest {

    @Test
    void threeHundredConnectionsOnAnEightEntryRingAllEcho() {
        assumeTrue(Protocol.STREAM_IO_URING_TCP.isAvailable(), Protocol.STREAM_IO_URING_TCP::unavailableReason);
        LoopConfig tiny = LoopConfig.builder().uring(dev.evpl.reactive.core.UringConfig.builder().entries(8).build()).build();
        try (EventLoopGroup server = EventLoopGroup.create(GroupConfig.builder().threads(1).loopConfig(tiny).build());
                EventLoopGroup clients = EventLoopGroup.create(GroupConfig.builder().threads(1).build())) {
            EventLoop loop = server.loop(0);
            Listener listener = Listener.listen(Protocol.STREAM_IO_URING_TCP, Endpoint.inet("127.0.0.1", 0));
            listener.attach(loop, bind -> bind.send(bind.receive()).subscribe(c -> bind.close(), e -> bind.close()));
            Endpoint to = Endpoint.inet("127.0.0.1", listener.port());
            int n = 300;
            List<Bind> binds = Flux.range(0, n)
                    .flatMap(i -> Bind.connect(clients.loop(0), Protocol.STREAM_SOCKET_TCP, to), 32)
                    .collectList().block(Duration.ofSeconds(30));
            assertThat(binds).hasSize(n);
            List<Mono<String>> replies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Bind b = binds.get(i);
                String msg = "hello " + i;
                replies.add(b.receive().map(s -> {
                    try {
                        return s.toString(StandardCharsets.UTF_8);
                    } finally {
                        s.release();
                    }
                }).scan("", String::concat).filter(all -> all.length() >= msg.length()).next()
                        .zipWith(b.sendString(msg), (got, sent) -> got));
            }
            List<String> got = Flux.mergeSequential(replies, 64, 1).collectList().block(Duration.ofSeconds(30));
            for (int i = 0; i < n; i++) {
                assertThat(got.get(i)).isEqualTo("hello " + i);
            }
            int[] armed = Mono.fromCallable(() -> new int[] {LoopRing.of(loop).multishots(), LoopRing.of(loop).inFlight()})
                    .subscribeOn(loop).block(Duration.ofSeconds(5));
            assertThat(armed[0]).as("one receive per connection, the accept, the epoll poll").isGreaterThanOrEqualTo(n + 1);
            assertThat(armed[1]).as("one-shot operations stay within the ring's 8 entries").isLessThanOrEqualTo(8);
            assertThat(loop.isDisposed()).isFalse();
            assertThat(loop.callbackErrors()).isZero();
            binds.forEach(Bind::close);
            listener.dispose();
        }
    }
}
