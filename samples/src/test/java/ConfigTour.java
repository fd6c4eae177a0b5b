import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.UringConfig;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.BufferConfig;
import dev.evpl.reactive.core.buffer.BufferPool;
import java.time.Duration;

public class ConfigTour {
    public static void main(String[] args) {
        // Buffers: configure the global pool once, before anything allocates (later calls must agree).
        BufferPool.configureGlobal(BufferConfig.builder().bufferSize(1 << 20).slabSize(16 << 20).build());

        // Loops: how long a loop busy-polls after activity, its io_uring size; bad values name the
        // parameter and its range (try .spin(Duration.ofSeconds(5))).
        LoopConfig loop = LoopConfig.builder().spin(Duration.ofMillis(2))
                .uring(UringConfig.builder().entries(512).build()).build();
        GroupConfig config = GroupConfig.builder().threads(2).loopConfig(loop).build();

        // Transports by name: io_uring TCP where this kernel has it, else epoll TCP; the same code runs on both.
        Protocol tcp = Protocol.preferredTcp();
        System.out.println("TCP: " + tcp.name() + (Protocol.STREAM_IO_URING_TCP.isAvailable() ? ""
                : " (" + Protocol.STREAM_IO_URING_TCP.unavailableReason() + ")"));

        try (EventLoopGroup loops = EventLoopGroup.create(config)) {
            System.out.println(loops.size() + " loops, spin " + loops.loop(0).config().spin().toMillis() + " ms, buffers of "
                    + BufferPool.global().config().bufferSize() + " bytes");
        }
    }
}
