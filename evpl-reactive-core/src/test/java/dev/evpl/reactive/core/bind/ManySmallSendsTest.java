package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/**
 * Thousands of small sends queued in one loop task: more than one pass's share of writes
 * ({@code SendQueue.ROUNDS} gathering writes of 64 slices) on a socket whose buffer never fills.
 * Edge-triggered epoll raises no EPOLLOUT edge for such a socket, so the rest must be written
 * without waiting for one; before the fix the bind stopped after 16-32 KiB and never sent the rest.
 */
class ManySmallSendsTest {
    private EventLoopGroup group;
    private Listener listener;
    @TempDir
    Path dir;

    static Stream<Protocol> protocols() {
        return Stream.of(Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_SOCKET_UNIX, Protocol.STREAM_IO_URING_TCP)
                .filter(Protocol::isAvailable);
    }

    @BeforeEach
    void loops() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
    }

    @AfterEach
    void close() {
        if (listener != null) {
            listener.dispose();
        }
        group.close();
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void fourThousandSendsFromOneLoopTaskAllArriveInOrder(Protocol p) {
        Endpoint at = p.isLocal() ? Endpoint.unix(dir.resolve("s.sock").toString()) : Endpoint.inet("127.0.0.1", 0);
        listener = Listener.listen(p, at);
        AtomicLong received = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        Mono<Void> done = Mono.create(sink -> listener.attach(group.loop(1), bind -> bind.receive().subscribe(s -> {
            try {
                for (int i = 0; i < s.readableBytes(); i++) {
                    long at2 = received.getAndIncrement();
                    // message k is 64 bytes of (k & 0x7F)
                    if (s.getByte(i) != (byte) (((at2 / 64) % 4000) & 0x7F)) {
                        mismatches.incrementAndGet();
                    }
                }
            } finally {
                s.release();
            }
            if (received.get() >= 4000 * 64) {
                sink.success();
            }
        })));
        Endpoint to = listener.port() > 0 ? Endpoint.inet("127.0.0.1", listener.port()) : at;
        Bind client = Bind.connect(group.loop(0), p, to).block(Duration.ofSeconds(5));
        for (int round = 0; round < 3; round++) {
            long before = received.get();
            // One loop task, 4000 sends: all queued before the first flush runs.
            Mono.fromRunnable(() -> {
                for (int k = 0; k < 4000; k++) {
                    Segment s = client.loop().allocator().allocate(64);
                    for (int i = 0; i < 64; i++) {
                        s.setByte(i, k & 0x7F);
                    }
                    client.send(s).subscribe();
                }
            }).subscribeOn(client.loop()).block(Duration.ofSeconds(5));
            if (round == 0) {
                done.block(Duration.ofSeconds(10));
            } else {
                long target = before + 4000 * 64;
                for (int i = 0; i < 1000 && received.get() < target; i++) {
                    sleep();
                }
            }
            assertThat(received.get()).as("bytes received after round %d", round).isEqualTo((round + 1) * 4000L * 64);
        }
        assertThat(mismatches.get()).isZero();
        client.close();
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
