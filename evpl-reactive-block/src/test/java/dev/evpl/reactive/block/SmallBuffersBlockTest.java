package dev.evpl.reactive.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

/**
 * Requests and the pool's buffer size: the kernel reads into (and a bounce write copies from) one
 * contiguous stretch of one pool buffer, so a request must fit one. The build runs this class again
 * with 4 KiB buffers ({@code -Devpl.buffer.bufferSize=4096}, the {@code small-buffers} execution):
 * a read of a whole buffer works, a longer one is refused with the limit named (before, it was
 * read into the first 4 KiB slice of a composite and overran it).
 */
class SmallBuffersBlockTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void requestsFitOnePoolBufferOrAreRefusedByName(BlockProtocol protocol) throws Exception {
        assumeTrue(protocol.isAvailable(), () -> protocol + ": " + protocol.unavailableReason());
        int bufferSize = BufferPool.global().config().bufferSize();
        int max = Math.min(BlockDevice.MAX_REQUEST, bufferSize);
        byte[] content = new byte[max + 4096];
        new Random(5).nextBytes(content);
        Path file = dir.resolve("small");
        Files.write(file, content);
        try (EventLoopGroup group = EventLoopGroup.create(1);
                BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults())) {
            EventLoop loop = group.loop(0);
            BlockQueue q = dev.queue(loop);
            Segment whole = q.read(0, max).block(Duration.ofSeconds(10));
            try {
                byte[] expected = java.util.Arrays.copyOf(content, max);
                assertThat(whole.toByteArray()).isEqualTo(expected);
            } finally {
                whole.release();
            }
            if (max < BlockDevice.MAX_REQUEST) {
                assertThatThrownBy(() -> q.read(0, max + 1).block(Duration.ofSeconds(10)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("read: length must be between 1 and " + max + ", got " + (max + 1)
                                + " (what fits one pool buffer of BufferConfig.bufferSize=" + bufferSize + ")");
            }
        }
    }
}
