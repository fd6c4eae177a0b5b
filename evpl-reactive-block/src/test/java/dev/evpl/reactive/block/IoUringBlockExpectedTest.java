package dev.evpl.reactive.block;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** As the core's IoUringExpectedTest: where CI's probe says io_uring works, the block suite's io_uring half must run. */
class IoUringBlockExpectedTest {

    @Test
    void whereTheKernelAllowsIoUringBlockIoUsesIt() {
        if ("1".equals(System.getenv("EVPL_EXPECT_IO_URING"))) {
            assertThat(BlockProtocol.IO_URING.isAvailable())
                    .as("io_uring works here (CI's probe), but block I/O says: %s", BlockProtocol.IO_URING.unavailableReason())
                    .isTrue();
        }
    }
}
