package dev.evpl.reactive.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.buffer.Segment;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.PooledDataBuffer;
import reactor.core.publisher.Flux;

/**
 * Spring's buffer contract on pooled segments. Every buffer is released at the end; the suite's
 * paranoid leak detection fails a test that forgets one.
 */
class SegmentDataBufferTest {
    private final SegmentDataBufferFactory factory = SegmentDataBufferFactory.INSTANCE;

    @Test
    void writeReadAndPositions() {
        DataBuffer b = factory.allocateBuffer(8);
        assertThat(b).isInstanceOf(SegmentDataBuffer.class);
        assertThat(b.capacity()).isEqualTo(8);
        b.write((byte) 'a').write("bcdef".getBytes(StandardCharsets.US_ASCII));
        assertThat(b.readableByteCount()).isEqualTo(6);
        assertThat(b.writableByteCount()).isEqualTo(2);
        assertThat(b.read()).isEqualTo((byte) 'a');
        byte[] two = new byte[2];
        b.read(two);
        assertThat(new String(two, StandardCharsets.US_ASCII)).isEqualTo("bc");
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("def");
        assertThat(b.indexOf(c -> c == 'e', 0)).isEqualTo(4);
        assertThat(b.lastIndexOf(c -> c == 'b', 5)).isEqualTo(1);
        assertThat(b.getByte(5)).isEqualTo((byte) 'f');
        assertThatThrownBy(() -> b.readPosition(7)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.getByte(8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(DataBufferUtils.release(b)).isTrue();
        assertThat(((PooledDataBuffer) b).isAllocated()).isFalse();
    }

    @Test
    void aReleasedBufferStaysReleasedWhenItsSegmentObjectIsRecycled() {
        try (EventLoopGroup loops = EventLoopGroup.create(1)) {
            // On the loop a released segment object is recycled for the next allocation.
            String outcome = reactor.core.publisher.Mono.fromCallable(() -> {
                PooledDataBuffer first = (PooledDataBuffer) factory.allocateBuffer(8);
                first.write((byte) 1);
                assertThat(first.release()).isTrue();
                PooledDataBuffer second = (PooledDataBuffer) factory.allocateBuffer(8);
                second.write((byte) 2);
                assertThat(first.isAllocated()).as("released, whatever its old segment does now").isFalse();
                assertThatThrownBy(first::release).hasMessage("DataBuffer released already");
                assertThatThrownBy(() -> first.getByte(0)).hasMessage("DataBuffer released already");
                assertThat(first.toString()).isNotNull(); // describing it does not touch the segment
                assertThat(second.isAllocated()).isTrue();
                assertThat(second.getByte(0)).isEqualTo((byte) 2);
                assertThat(second.release()).isTrue();
                return "ok";
            }).subscribeOn(loops.loop(0)).block(java.time.Duration.ofSeconds(10));
            assertThat(outcome).isEqualTo("ok");
        }
    }

    @Test
    void growingKeepsTheContentAcrossBuffers() {
        DataBuffer b = factory.allocateBuffer(16);
        byte[] data = new byte[3 << 20]; // past one 2 MiB pooled buffer: the grown segment is a composite
        new Random(7).nextBytes(data);
        for (int off = 0; off < data.length; off += 100_000) {
            b.write(data, off, Math.min(100_000, data.length - off));
        }
        assertThat(b.readableByteCount()).isEqualTo(data.length);
        byte[] back = new byte[data.length];
        b.read(back);
        assertThat(back).isEqualTo(data);
        // views over the readable range, slice by slice, equal the data
        b.readPosition(1000);
        ByteBuffer all = ByteBuffer.allocate(data.length - 1000);
        try (DataBuffer.ByteBufferIterator it = b.readableByteBuffers()) {
            int views = 0;
            while (it.hasNext()) {
                all.put(it.next());
                views++;
            }
            assertThat(views).isGreaterThan(1);
        }
        assertThat(all.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, data.length));
        DataBufferUtils.release(b);
    }

    @Test
    void splitAndRetainedSliceShareMemoryWithTheirOwnReferences() {
        DataBuffer b = factory.allocateBuffer(10);
        b.write("0123456789".getBytes(StandardCharsets.US_ASCII));
        b.readPosition(2);
        DataBuffer head = b.split(4);
        assertThat(head.toString(StandardCharsets.US_ASCII)).isEqualTo("23");
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("456789");
        DataBuffer slice = b.retainedSlice(1, 3);
        assertThat(slice.toString(StandardCharsets.US_ASCII)).isEqualTo("567");
        DataBufferUtils.release(b);
        assertThat(slice.toString(StandardCharsets.US_ASCII)).isEqualTo("567"); // still referenced
        DataBufferUtils.release(slice);
        DataBufferUtils.release(head);
    }

    @Test
    void toSegmentIsZeroCopyForOursAndOneCopyForOthers() {
        SegmentDataBuffer ours = (SegmentDataBuffer) factory.allocateBuffer(5);
        ours.write("hello".getBytes(StandardCharsets.US_ASCII));
        ours.readPosition(1);
        Segment s = factory.toSegment(ours);
        assertThat(s.toString(StandardCharsets.US_ASCII)).isEqualTo("ello");
        assertThat(s.release()).isTrue();

        DataBuffer heap = DefaultDataBufferFactory.sharedInstance.wrap("heap bytes".getBytes(StandardCharsets.US_ASCII));
        Segment copied = factory.toSegment(heap);
        assertThat(copied.toString(StandardCharsets.US_ASCII)).isEqualTo("heap bytes");
        copied.release();
    }

    @Test
    void joinAndSpringsUtilitiesWork() throws Exception {
        List<DataBuffer> parts = new ArrayList<>();
        for (String p : List.of("alpha-", "beta-", "gamma")) {
            DataBuffer d = factory.allocateBuffer(p.length());
            d.write(p.getBytes(StandardCharsets.US_ASCII));
            parts.add(d);
        }
        parts.add(DefaultDataBufferFactory.sharedInstance.wrap("-heap".getBytes(StandardCharsets.US_ASCII)));
        DataBuffer joined = factory.join(parts);
        assertThat(joined.toString(StandardCharsets.US_ASCII)).isEqualTo("alpha-beta-gamma-heap");
        try (InputStream in = joined.asInputStream(true)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("alpha-beta-gamma-heap");
        }
        DataBuffer viaUtils = DataBufferUtils.join(Flux.just("x", "y", "z").map(p -> {
            DataBuffer d = factory.allocateBuffer(1);
            return d.write(p.getBytes(StandardCharsets.US_ASCII));
        })).block();
        assertThat(viaUtils.toString(StandardCharsets.US_ASCII)).isEqualTo("xyz");
        DataBufferUtils.release(viaUtils);
    }

    @Test
    void onALoopBuffersComeFromTheLoopsAllocator() throws Exception {
        try (EventLoopGroup loops = EventLoopGroup.create(1)) {
            CompletableFuture<String> r = new CompletableFuture<>();
            loops.loop(0).execute(() -> {
                DataBuffer b = factory.allocateBuffer(64);
                b.write("on the loop", StandardCharsets.UTF_8);
                Segment s = factory.toSegment(b);
                r.complete(s.toString(StandardCharsets.UTF_8));
                s.release();
            });
            assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo("on the loop");
        }
    }

    @Test
    void aHandedOverBufferRefusesFurtherUse() {
        SegmentDataBuffer b = (SegmentDataBuffer) factory.allocateBuffer(4);
        b.write(new byte[] { 1, 2, 3, 4 });
        Segment s = b.takeReadable();
        assertThatThrownBy(b::capacity).isInstanceOf(IllegalStateException.class).hasMessageContaining("handed over");
        assertThat(b.isAllocated()).isFalse();
        s.release();
    }

    /**
     * Buffers allocated on threads that then end (boundedElastic workers come and go, virtual threads
     * are one per task) pin no pooled buffer each: before, every thread kept a 2 MiB buffer for good.
     */
    @Test
    void offLoopThreadsThatComeAndGoPinNoBuffers() throws Exception {
        SegmentDataBufferFactory factory = SegmentDataBufferFactory.INSTANCE;
        org.springframework.core.io.buffer.DataBufferUtils.release(factory.allocateBuffer(16)); // the shared allocator takes its first buffer
        long before = dev.evpl.reactive.core.buffer.BufferPool.global().inUseBytes();
        for (int i = 0; i < 100; i++) {
            Thread t = new Thread(() -> org.springframework.core.io.buffer.DataBufferUtils.release(factory.allocateBuffer(128)));
            t.start();
            t.join();
        }
        long grown = dev.evpl.reactive.core.buffer.BufferPool.global().inUseBytes() - before;
        assertThat(grown).as("pool memory kept by 100 finished threads").isLessThanOrEqualTo(2L << 20);
    }
}
