package dev.evpl.reactive.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;

/**
 * Cancel from another thread racing a read's completion on the loop, thousands of times: a
 * segment that completes after (or while) its subscriber cancels is released, never lost (the
 * paranoid leak check after each test counts every one). Both protocols.
 */
class BlockCancelRaceTest {
    private static final int ROUNDS = 4000;
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
    void aReadCancelledAtAnyMomentReleasesItsSegment(BlockProtocol protocol) throws Exception {
        assumeTrue(protocol.isAvailable(), () -> protocol + " unavailable here: " + protocol.unavailableReason());
        Path file = dir.resolve("data");
        byte[] content = new byte[1 << 20];
        new Random(7).nextBytes(content);
        Files.write(file, content);
        Random random = new Random(11);
        AtomicInteger delivered = new AtomicInteger();
        try (BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().queueDepth(16))) {
            BlockQueue q = dev.queue(loop);
            for (int i = 0; i < ROUNDS; i++) {
                Disposable d = q.read(random.nextInt(content.length - 4096), 4096).subscribe(s -> {
                    delivered.incrementAndGet();
                    s.release();
                });
                // cancel at a different moment each round: before the hop, while in flight, at completion
                int spins = random.nextInt(20_000);
                for (int s = 0; s < spins; s++) {
                    Thread.onSpinWait();
                }
                d.dispose();
            }
            // a last read completes after every earlier one (the queue is FIFO on one loop)
            Segment last = q.read(0, 16).block(Duration.ofSeconds(30));
            assertThat(last.readableBytes()).isEqualTo(16);
            last.release();
        }
        // each round either delivered or was cancelled; the leak check counts the rest
        assertThat(delivered.get()).isBetween(0, ROUNDS);
    }
}
