package dev.evpl.reactive.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reused views: the bytes of the segment, the same objects call after call, across slabs and slices. */
class ByteBufferViewsTest {
    private BufferPool pool;
    private SegmentAllocator alloc;
    private ByteBufferViews views;

    @BeforeEach
    void pool() {
        // 4 buffers per slab: a few hundred segments span many slabs
        pool = new BufferPool(BufferConfig.builder().bufferSize(4096).slabSize(4096 * 4).maxMemory(4096 * 1024).build());
        alloc = new SegmentAllocator(pool);
        views = new ByteBufferViews(pool);
    }

    @AfterEach
    void allReturned() {
        alloc.close();
        assertThat(pool.inUseBytes()).isZero();
    }

    private static byte[] bytes(ByteBuffer[] buffers) {
        int n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        byte[] out = new byte[n];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int r = b.remaining();
            b.duplicate().get(out, at, r);
            at += r;
        }
        return out;
    }

    @Test
    void viewsShowTheSegmentsBytesAcrossSlabsAndSlices() {
        Random random = new Random(11);
        List<Segment> held = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            byte[] b = new byte[1 + random.nextInt(10_000)]; // up to 3 slices of 4 KiB buffers
            random.nextBytes(b);
            Segment s = alloc.copyOf(b);
            held.add(s);
            assertThat(bytes(views.of(s))).as("segment %d", i).isEqualTo(b);
            assertThat(views.of(s)).hasSize(s.sliceCount());
            ByteBuffer first = views.of(s, 0);
            assertThat(first.remaining()).isEqualTo(s.sliceLength(0));
            assertThat(first.get(first.position())).isEqualTo(b[0]);
        }
        assertThat(pool.mappedBytes()).as("the segments span many slabs").isGreaterThan(4096L * 4 * 8);
        held.forEach(Segment::release);
    }

    @Test
    void steadyStateReusesTheSameViewsAndArray() {
        Segment a = alloc.copyOf(new byte[] {1, 2, 3});
        Segment b = alloc.copyOf(new byte[] {4, 5});
        ByteBuffer[] first = views.of(a);
        ByteBuffer view = first[0];
        ByteBuffer[] second = views.of(b);
        assertThat(second).isSameAs(first);
        assertThat(second[0]).isSameAs(view); // same slab: the same window moved
        assertThat(bytes(second)).containsExactly(4, 5);
        a.release();
        b.release();
    }

    @Test
    void writesThroughAViewLandInTheSegment() {
        Segment s = alloc.allocate(100);
        ByteBuffer v = views.of(s, 0, 10, 4);
        assertThat(v.remaining()).isEqualTo(4);
        v.put(new byte[] {9, 8, 7, 6});
        assertThat(v.hasRemaining()).isFalse();
        assertThat(s.getByte(10)).isEqualTo((byte) 9);
        assertThat(s.getByte(13)).isEqualTo((byte) 6);
        assertThatThrownBy(() -> views.of(s, 0, 98, 4)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("offset 98, length 4");
        s.release();
    }

    @Test
    void memoryOfAnotherPoolGetsAFreshViewWithTheRightBytes() {
        BufferPool other = new BufferPool(BufferConfig.builder().bufferSize(4096).slabSize(4096 * 4).maxMemory(4096 * 8).build());
        SegmentAllocator otherAlloc = new SegmentAllocator(other);
        Segment s = otherAlloc.copyOf(new byte[] {1, 2, 3, 4});
        assertThat(bytes(views.of(s))).containsExactly(1, 2, 3, 4);
        s.release();
        otherAlloc.close();
    }
}
