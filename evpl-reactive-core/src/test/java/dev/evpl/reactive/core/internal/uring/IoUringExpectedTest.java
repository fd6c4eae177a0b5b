package dev.evpl.reactive.core.internal.uring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.bind.Protocol;
import org.junit.jupiter.api.Test;

/**
 * The io_uring tests skip (or drop their io_uring parameters) where io_uring is unavailable. CI
 * probes the kernel on its own ({@code .ci/uring-probe.c}) and sets {@code EVPL_EXPECT_IO_URING=1}
 * where a ring can be created: then the project must find io_uring available too, or every
 * io_uring test would silently not run.
 */
class IoUringExpectedTest {

    @Test
    void whereTheKernelAllowsIoUringTheProjectUsesIt() {
        boolean expected = "1".equals(System.getenv("EVPL_EXPECT_IO_URING"));
        if (expected) {
            assertThat(Protocol.STREAM_IO_URING_TCP.isAvailable())
                    .as("io_uring works on this machine (CI's probe), but the project says: %s",
                            Protocol.STREAM_IO_URING_TCP.unavailableReason())
                    .isTrue();
            assertThat(LoopRing.isAvailable()).isTrue();
        } else {
            // Nothing is required here; say what the suite will do.
            System.out.println("io_uring " + (LoopRing.isAvailable() ? "available" : "unavailable: " + LoopRing.unavailableReason()));
        }
    }
}
