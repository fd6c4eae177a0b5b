package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The content-verified stream matrix on STREAM_IO_URING_TCP with {@code UringConfig.sqPollIdle}: a
 * kernel thread consumes each loop's submission queue (so an SQE must be complete before its tail
 * is published), with the ring wait on a plain (not DEFER_TASKRUN) ring. The short idle time makes
 * the threads fall asleep between tests' phases, so wake-ups are exercised too.
 */
class SqPollStreamBindTest extends StreamBindTest {

    static Stream<Protocol> protocols() {
        return Stream.of(Protocol.STREAM_IO_URING_TCP).filter(Protocol::isAvailable);
    }

    @Override
    GroupConfig groupConfig() {
        return GroupConfig.builder().threads(2)
                .loopConfig(LoopConfig.builder().uring(dev.evpl.reactive.core.UringConfig.builder().sqPollIdle(Duration.ofMillis(2)).build()).build()).build();
    }
}
