import dev.evpl.reactive.block.BlockDevice;
import dev.evpl.reactive.block.BlockOptions;
import dev.evpl.reactive.block.BlockProtocol;
import dev.evpl.reactive.block.BlockQueue;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Mono;

public class BlockTour {
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("evpl-tour", ".dat");
        // io_uring where the kernel allows it, else a portable thread pool: the same calls either way.
        try (EventLoopGroup loops = EventLoopGroup.create(1);
                BlockDevice device = BlockDevice.open(BlockProtocol.preferred(), file, BlockOptions.defaults())) {
            EventLoop loop = loops.loop(0);
            BlockQueue queue = device.queue(loop);   // one queue per loop; completions arrive on that loop

            // Segments come from the loop's allocator, so they are made on the loop.
            Segment data = Mono.fromCallable(() -> loop.allocator().copyOf("hello, disk".getBytes(StandardCharsets.UTF_8)))
                    .subscribeOn(loop).block();
            queue.write(0, data).block(Duration.ofSeconds(5));       // takes ownership of the segment
            Segment back = queue.read(0, 11).block(Duration.ofSeconds(5));   // pooled memory: sendable on a bind as is
            try {
                System.out.println("read back '" + back.toString(StandardCharsets.UTF_8) + "' with " + device.protocol().name());
            } finally {
                back.release();
            }
        } finally {
            Files.delete(file);
        }
    }
}
