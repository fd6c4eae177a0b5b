package dev.evpl.reactive.core.internal.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.buffer.BufferConfig;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import org.junit.jupiter.api.Test;

/**
 * The provided-buffer ring when the pool runs out of memory: a taken buffer is handed over whole
 * (no exception out of a receive completion, no segment lost), its slot waits empty, and the next
 * publish after memory came back fills it; close releases each buffer once. Before, the failed
 * replacement threw out of {@code take} after the received slice was made (leaked) and left the
 * released buffer in its slot, released again by close.
 */
class ProvidedBuffersTest {
    @Test
    void incrementalTakesAreSlicesOfOneBufferUntilTheKernelFinishesIt() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable here: " + IoUring.unavailableReason());
        BufferPool pool = new BufferPool(BufferConfig.builder().bufferSize(4096).slabSize(65536).maxMemory(65536).build());
        SegmentAllocator alloc = new SegmentAllocator(pool);
        IoUring ring = IoUring.create(8);
        String[] why = new String[1];
        ProvidedBuffers buffers = ProvidedBuffers.create(ring, alloc, 4, 4096, why);
        assumeTrue(buffers != null, () -> "provided buffers refused: " + why[0]);
        try {
            assumeTrue(buffers.incremental(), "this kernel consumes provided buffers whole (before 6.12)");
            // The kernel's writes, by hand: 100 and 200 bytes into buffer 0, then 3796 that finish it.
            Segment a = buffers.take(0, 100, ProvidedBuffers.CQE_F_BUF_MORE);
            Segment b = buffers.take(0, 200, ProvidedBuffers.CQE_F_BUF_MORE);
            assertThat(b.sliceAddress(0)).as("the next receive continues after the first").isEqualTo(a.sliceAddress(0) + 100);
            assertThat(buffers.handedOver()).isZero();
            Segment c = buffers.take(0, 3796, 0);
            assertThat(c.sliceAddress(0)).isEqualTo(a.sliceAddress(0) + 300);
            assertThat(buffers.handedOver()).as("finished: the slot gave it up").isEqualTo(1);
            assertThat(buffers.copies()).isZero();
            Segment d = buffers.take(0, 50, ProvidedBuffers.CQE_F_BUF_MORE);
            long first = a.sliceAddress(0);
            assertThat(d.sliceAddress(0) < first || d.sliceAddress(0) >= first + 4096).as("a fresh buffer").isTrue();
            for (Segment s : new Segment[] {a, b, c, d}) {
                s.release(); // the first buffer is freed with its last slice (a double release would throw)
            }
        } finally {
            buffers.close();
            ring.close();
            alloc.close();
        }
    }

    @Test
    void aTakeWithThePoolExhaustedHandsTheBufferOverAndTheSlotRefillsLater() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable here: " + IoUring.unavailableReason());
        // 4 buffers of 4 KiB in all: the ring's 4 take every one
        BufferPool pool = new BufferPool(BufferConfig.builder().bufferSize(4096).slabSize(16384).maxMemory(16384).build());
        SegmentAllocator alloc = new SegmentAllocator(pool);
        IoUring ring = IoUring.create(8);
        String[] why = new String[1];
        ProvidedBuffers.wholeBuffersForTests(true); // the copy path is the one that needs memory per take
        ProvidedBuffers buffers;
        try {
            buffers = ProvidedBuffers.create(ring, alloc, 4, 4096, why);
        } finally {
            ProvidedBuffers.wholeBuffersForTests(false);
        }
        assumeTrue(buffers != null, () -> "provided buffers refused: " + why[0]);
        try {
            Segment big = buffers.take(0, 3000, 0); // long enough to hand over, no memory for a replacement
            assertThat(big.readableBytes()).isEqualTo(3000);
            assertThat(buffers.missing()).isEqualTo(1);
            Segment small = buffers.take(1, 100, 0); // no memory for the copy either: handed over too
            assertThat(small.readableBytes()).isEqualTo(100);
            assertThat(buffers.missing()).isEqualTo(2);
            buffers.publish(); // still no memory: nothing to fill, no error
            assertThat(buffers.missing()).isEqualTo(2);
            big.release();
            small.release();
            buffers.publish(); // memory is back: both slots refilled
            assertThat(buffers.missing()).isZero();
            Segment again = buffers.take(2, 100, 0); // the refill took the memory back: handed over again
            assertThat(buffers.missing()).isEqualTo(1);
            again.release();
            buffers.publish();
            assertThat(buffers.missing()).isZero();
        } finally {
            buffers.close(); // releases each slot's buffer once (a double release would throw)
            ring.close();
            alloc.close();
        }
    }
}
