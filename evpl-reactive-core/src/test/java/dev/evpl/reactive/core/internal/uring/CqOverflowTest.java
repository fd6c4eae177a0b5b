package dev.evpl.reactive.core.internal.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** More completions than the CQ holds (what multishot operations can produce): none is lost. */
class CqOverflowTest {

    @Test
    void completionsKeptAsideByTheKernelAreReapedToo() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable here: " + IoUring.unavailableReason());
        IoUring ring = IoUring.create(4); // CQ of 8
        try {
            // kernels since 5.18: enters name the ring by its registered index (this test's enters go that way)
            assertThat(ring.ringRegistered()).isTrue();
            long user = 0;
            for (int round = 0; round < 6; round++) { // 24 completions, nobody reaping
                for (int i = 0; i < 4; i++) {
                    UringOps.nop(ring.nextSqe(), user++);
                    ring.commit();
                }
                ring.submit();
            }
            List<Long> seen = new ArrayList<>();
            int n = ring.reap((userData, res, flags) -> seen.add(userData));
            assertThat(n).isEqualTo(24);
            assertThat(seen).hasSize(24).doesNotHaveDuplicates();
            assertThat(ring.overflowFlushes()).as("the CQ overflowed and was flushed").isGreaterThan(0);
        } finally {
            ring.close();
        }
    }
}
