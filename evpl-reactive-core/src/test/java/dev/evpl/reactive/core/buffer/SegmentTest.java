package dev.evpl.reactive.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pooled buffers, segments, composites, reserve/commit and leak detection. */
class SegmentTest {
    private BufferPool pool;
    private SegmentAllocator alloc;

    @BeforeEach
    void pool() {
        pool = new BufferPool(BufferConfig.builder().bufferSize(4096).slabSize(4096 * 16).maxMemory(4096 * 64).build());
        alloc = new SegmentAllocator(pool);
    }

    @AfterEach
    void allReturned() {
        alloc.close();
        assertThat(pool.inUseBytes()).as("every buffer back in the pool").isZero();
    }

    @Test
    void aSegmentThatReachesACancelledReactorSubscriberIsReleased() {
        Segment s = alloc.copyOf(new byte[] {1, 2, 3});
        org.reactivestreams.Subscriber<? super Segment>[] side = new org.reactivestreams.Subscriber[1];
        // Mono's lambda subscriber drops a value that arrives after dispose (Flux's hands it on)
        reactor.core.Disposable d = reactor.core.publisher.Mono.<Segment>fromDirect(sub -> {
            side[0] = sub;
            sub.onSubscribe(reactor.core.publisher.Operators.emptySubscription());
        }).subscribe(Segment::release);
        d.dispose();
        side[0].onNext(s); // allowed after cancel by the spec: Reactor hands it to onNextDropped
        assertThat(s.refCnt()).as("released by the dropped-segment hook").isZero();
    }

    @Test
    void smallSegmentsShareABufferAndReturnItWhenAllAreReleased() {
        Segment a = alloc.copyOf("hello".getBytes(StandardCharsets.US_ASCII));
        Segment b = alloc.copyOf("world".getBytes(StandardCharsets.US_ASCII));
        assertThat(b.sliceAddress(0) - a.sliceAddress(0)).as("bump allocation, 8-byte aligned").isEqualTo(8);
        assertThat(pool.inUseBytes()).isEqualTo(4096);
        assertThat(a.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        alloc.close();
        assertThat(pool.inUseBytes()).as("segments keep their buffer alive").isEqualTo(4096);
        assertThat(a.release()).isTrue();
        assertThat(b.release()).isTrue();
    }

    @Test
    void accessorsAreBigEndianAndBoundsChecked() {
        Segment s = alloc.allocate(16);
        s.setInt(0, 0x01020304);
        s.setLong(4, 0x1122334455667788L);
        s.setByte(12, 0xAB);
        assertThat(s.getByte(0)).isEqualTo((byte) 1);
        assertThat(s.getByte(3)).isEqualTo((byte) 4);
        assertThat(s.getInt(0)).isEqualTo(0x01020304);
        assertThat(s.getIntLE(0)).isEqualTo(0x04030201);
        assertThat(s.getUnsignedShort(2)).isEqualTo(0x0304);
        assertThat(s.getLong(4)).isEqualTo(0x1122334455667788L);
        assertThat(s.getByte(12) & 0xFF).isEqualTo(0xAB);
        assertThatThrownBy(() -> s.getInt(13)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("index 13 length 4 out of segment of 16 bytes");
        assertThatThrownBy(() -> s.getByte(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        ByteBuffer view = s.asByteBuffer(0);
        assertThat(view.isDirect()).isTrue();
        assertThat(view.get(3)).isEqualTo((byte) 4);
        s.release();
        assertThatThrownBy(() -> s.getByte(0)).isInstanceOf(IllegalStateException.class).hasMessage("segment already released");
        assertThatThrownBy(s::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::retain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void slicesShareMemoryAndHoldTheirOwnReference() {
        Segment s = alloc.copyOf("0123456789".getBytes(StandardCharsets.US_ASCII));
        Segment mid = s.slice(3, 4);
        assertThat(mid.toString(StandardCharsets.US_ASCII)).isEqualTo("3456");
        s.setByte(4, 'x');
        assertThat(mid.toString(StandardCharsets.US_ASCII)).isEqualTo("3x56");
        assertThat(s.release()).isTrue();
        assertThat(mid.toString(StandardCharsets.US_ASCII)).as("slice outlives its parent").isEqualTo("3x56");
        mid.retain();
        assertThat(mid.release()).isFalse();
        assertThat(mid.release()).isTrue();
    }

    @Test
    void aSegmentLargerThanABufferIsACompositeOfWholeBuffers() {
        byte[] data = new byte[4096 * 2 + 100];
        new Random(1).nextBytes(data);
        Segment big = alloc.copyOf(data);
        assertThat(big.sliceCount()).isEqualTo(3);
        assertThat(big.readableBytes()).isEqualTo(data.length);
        assertThat(big.toByteArray()).isEqualTo(data);
        assertThat(big.getInt(4094)).isEqualTo(ByteBuffer.wrap(data, 4094, 4).getInt());
        Segment across = big.slice(4000, 200);
        assertThat(across.sliceCount()).isEqualTo(2);
        byte[] expected = java.util.Arrays.copyOfRange(data, 4000, 4200);
        assertThat(across.toByteArray()).isEqualTo(expected);
        Segment inside = big.slice(10, 20);
        assertThat(inside.sliceCount()).as("inside one part").isEqualTo(1);
        inside.release();
        big.release();
        assertThat(across.toByteArray()).isEqualTo(expected);
        across.release();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100, 4095})
    void compositeOfAnyChunkingReadsLikeTheWhole(int chunk) {
        byte[] data = new byte[10_000];
        new Random(chunk).nextBytes(data);
        List<Segment> parts = new ArrayList<>();
        for (int i = 0; i < data.length; i += chunk) {
            int n = Math.min(chunk, data.length - i);
            Segment p = alloc.allocate(n);
            p.setBytes(0, data, i, n);
            parts.add(p);
        }
        Segment whole = Segment.composite(parts);
        assertThat(whole.toByteArray()).isEqualTo(data);
        for (int i = 0; i + 8 <= data.length; i += 997) {
            assertThat(whole.getLong(i)).isEqualTo(ByteBuffer.wrap(data, i, 8).getLong());
        }
        Segment nested = Segment.composite(List.of(whole.slice(0, 5000), whole.slice(5000, 5000)));
        assertThat(nested.toByteArray()).isEqualTo(data);
        nested.release();
        whole.release();
    }

    @Test
    void reserveAndCommitKeepOnlyWhatWasWritten() {
        long at = alloc.reserve(100);
        assertThat(alloc.reservedLength()).isEqualTo(4096);
        dev.evpl.reactive.core.internal.nativeio.NativeMemory.put(at, "abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
        Segment s = alloc.commit(3);
        assertThat(s.toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(alloc.reservedLength()).isEqualTo(4096 - 8);
        assertThat(alloc.commit(0)).isNull();
        assertThatThrownBy(() -> alloc.commit(5000)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> alloc.reserve(5000)).hasMessage("reserve(5000) exceeds the buffer size 4096");
        s.release();
    }

    @Test
    void thePoolIsBoundedWithAClearError() {
        List<Segment> held = new ArrayList<>();
        try {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    held.add(alloc.allocate(4096));
                }
            }).isInstanceOf(OutOfMemoryError.class).hasMessageContaining("maxMemory 262144 bytes reached");
            assertThat(pool.mappedBytes()).isEqualTo(4096 * 64);
        } finally {
            held.forEach(Segment::release);
        }
    }

    @Test
    void slabsAreRegisteredOnceWithEveryRegistrar() {
        List<long[]> seen = new ArrayList<>();
        Segment first = alloc.allocate(10);
        pool.addRegistrar((index, address, length) -> seen.add(new long[] {index, address, length}));
        assertThat(seen).hasSize(1);
        List<Segment> more = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            more.add(alloc.allocate(4096));
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)[0]).isEqualTo(1);
        assertThat(seen.get(1)[2]).isEqualTo(4096 * 16);
        first.release();
        more.forEach(Segment::release);
    }

    @Test
    void paranoidLeakDetectionNamesWhereALeakWasAllocated() {
        assertThat(LeakDetector.level()).isEqualTo(LeakDetector.Level.PARANOID);
        int before = LeakDetector.outstandingCount();
        Segment leaked = alloc.allocate(10).touch("handed to the test");
        assertThat(LeakDetector.outstandingCount()).isEqualTo(before + 1);
        assertThat(LeakDetector.outstanding()).anySatisfy(d -> assertThat(d)
                .contains("last touched: handed to the test on " + Thread.currentThread().getName())
                .contains("SegmentTest.paranoidLeakDetectionNamesWhereALeakWasAllocated"));
        leaked.release();
        assertThat(LeakDetector.outstandingCount()).isEqualTo(before);
    }

    @Test
    void segmentsReleasedOnTheOwnerThreadAreReusedAndKeepTheBufferAccountingExact() {
        Segment a = alloc.allocate(64);
        a.release();
        Segment b = alloc.allocate(64);
        assertThat(b).as("the released object is reused").isSameAs(a);
        assertThat(b.refCnt()).isEqualTo(1);
        Segment s = b.slice(8, 16);
        assertThat(s.refCnt()).isEqualTo(1);
        b.release();
        Segment c = alloc.allocate(32);
        assertThat(c).as("the next allocation takes the most recently freed object").isSameAs(b);
        assertThat(s.getByte(0)).as("the slice still holds its buffer").isNotNull();
        s.release();
        c.release();
        // Crossing buffers: segments of an old buffer give it back when released on the owner thread.
        List<Segment> live = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            live.add(alloc.allocate(100));
        }
        assertThat(pool.inUseBytes()).isGreaterThan(4096);
        live.forEach(Segment::release);
        alloc.close();
        assertThat(pool.inUseBytes()).isZero();
    }

    @Test
    void segmentsReleasedOnAnotherThreadAreNotRecycled() throws Exception {
        Segment a = alloc.allocate(64);
        Segment slice = a.slice(0, 8);
        Thread t = new Thread(() -> {
            a.release();
            Segment fromOther = slice.slice(0, 4); // a slice made off the owner thread
            slice.release();
            fromOther.release();
        });
        t.start();
        t.join();
        Segment b = alloc.allocate(64);
        assertThat(b).isNotSameAs(a).isNotSameAs(slice);
        assertThat(a.refCnt()).isZero();
        b.release();
    }

    @Test
    void randomRetainSliceReleaseAcrossTwoThreadsReturnsEveryBuffer() throws Exception {
        Random random = new Random(42);
        // Bounded: if the releasing thread lags (a busy machine) the main thread waits instead of
        // holding more than the 64 buffers of this pool through the queue.
        java.util.concurrent.BlockingQueue<Segment> toOther = new java.util.concurrent.ArrayBlockingQueue<>(16);
        Thread other = new Thread(() -> {
            try {
                for (;;) {
                    Segment s = toOther.take();
                    if (s.readableBytes() == 0) {
                        s.release();
                        return;
                    }
                    Segment part = s.slice(0, 1);
                    s.release();
                    part.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        List<Segment> held = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int op = random.nextInt(4);
            if (op == 0 || held.isEmpty()) {
                Segment s = alloc.allocate(1 + random.nextInt(700));
                s.setByte(0, i);
                held.add(s);
            } else if (op == 1) {
                Segment s = held.get(random.nextInt(held.size()));
                held.add(s.slice(0, s.readableBytes()));
            } else if (op == 2) {
                held.remove(random.nextInt(held.size())).release();
            } else {
                toOther.put(held.remove(random.nextInt(held.size())));
            }
            if (held.size() > 50) {
                held.remove(0).release();
            }
        }
        held.forEach(Segment::release);
        toOther.put(alloc.allocate(0));
        other.join();
        alloc.close();
        assertThat(pool.inUseBytes()).isZero();
    }

    @Test
    void configIsValidatedWithNamedParameters() {
        assertThatThrownBy(() -> BufferConfig.builder().bufferSize(5000).build())
                .hasMessage("BufferConfig.bufferSize must be a power of two between 4096 and 67108864, got 5000");
        assertThatThrownBy(() -> BufferConfig.builder().bufferSize(4096).slabSize(5000).build())
                .hasMessageStartingWith("BufferConfig.slabSize must be a multiple of bufferSize (4096)");
        assertThatThrownBy(() -> BufferConfig.builder().maxMemory(1).build())
                .hasMessageStartingWith("BufferConfig.maxMemory must be between slabSize");
    }
}
