package dev.evpl.reactive.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The wait queue beyond a block queue's depth is bounded ({@code BlockOptions.maxWaiting}): what
 * fits waits and completes, one more fails at once with Reactor's overflow error naming the option,
 * and nothing leaks (a refused write releases its segment).
 */
class BlockQueueBoundsTest {
    private static final Duration T = Duration.ofSeconds(30);
    private EventLoopGroup group;
    private EventLoop loop;
    @TempDir
    Path dir;

    @BeforeEach
    void loops() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        loop = group.loop(0);
    }

    @AfterEach
    void close() {
        group.close();
    }

    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void operationsBeyondDepthPlusMaxWaitingFailWithAnOverflowNamingTheOption(BlockProtocol protocol) throws Exception {
        assumeTrue(protocol.isAvailable(), () -> protocol + " unavailable here: " + protocol.unavailableReason());
        Path file = dir.resolve("data");
        Files.write(file, new byte[1 << 16]);
        try (BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().queueDepth(1).maxWaiting(2))) {
            BlockQueue q = dev.queue(loop);
            // All issued in one loop task: none can complete before the last is admitted.
            List<Object> results = Mono.fromCallable(() -> {
                List<Mono<Object>> ops = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    Mono<Object> op = i % 2 == 0
                            ? q.read(i * 4096L, 4096).map(s -> { s.release(); return (Object) "read"; })
                            : q.write(i * 4096L, loop.allocator().copyOf(new byte[512])).map(c -> (Object) "wrote");
                    ops.add(op.onErrorResume(e -> Mono.just(e)).cache());
                }
                ops.forEach(Mono::subscribe); // subscribed on the loop: admitted in this task, in order
                return ops;
            }).subscribeOn(loop).flatMapMany(Flux::concat).collectList().block(T);
            assertThat(results.subList(0, 3)).containsExactly("read", "wrote", "read");
            for (Object refused : results.subList(3, 6)) {
                assertThat(refused).isInstanceOf(Throwable.class);
                Throwable e = (Throwable) refused;
                assertThat(Exceptions.isOverflow(e)).as("overflow kind: %s", e).isTrue();
                assertThat(e).hasMessageContaining("BlockOptions.maxWaiting 2").hasMessageContaining("queueDepth 1");
            }
            // the queue goes on
            Segment s = q.read(0, 10).block(T);
            assertThat(s.readableBytes()).isEqualTo(10);
            s.release();
        }
    }

    @Test
    void maxWaitingIsValidatedWithItsNameAndRange() {
        assertThatThrownBy(() -> BlockOptions.defaults().maxWaiting(-1))
                .hasMessage("BlockOptions.maxWaiting must be between 0 and 16777216, got -1");
        assertThat(BlockOptions.defaults().maxWaiting()).isEqualTo(65_536);
        assertThat(BlockOptions.defaults().maxWaiting(0).maxWaiting()).isZero();
    }
}
