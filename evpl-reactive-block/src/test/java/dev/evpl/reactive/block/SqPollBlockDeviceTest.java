package dev.evpl.reactive.block;

import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import java.time.Duration;

/**
 * The whole block suite with {@code UringConfig.sqPollIdle}: the loop's ring has an SQPOLL thread
 * (short idle time, so it sleeps and is woken between phases). Integrity at every depth, errors,
 * streams and registered files must hold as on the default ring; submissions need no enter at all.
 */
class SqPollBlockDeviceTest extends BlockDeviceTest {
    @Override
    GroupConfig groupConfig() {
        return GroupConfig.builder().threads(1)
                .loopConfig(LoopConfig.builder().uring(dev.evpl.reactive.core.UringConfig.builder().sqPollIdle(Duration.ofMillis(2)).build()).build()).build();
    }

    /** The kernel thread takes the SQEs: no enter carries submissions. */
    @Override
    long submittingEntersForOnePass() {
        return 0;
    }
}
