package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.util.Arrays;
import java.util.Random;

/**
 * A deterministic byte stream for content-verified transfer tests: byte i is {@code BYTES[i % P]}
 * with P prime, so chunk boundaries never line up with the pattern and any loss, duplication or
 * reordering shows as a mismatch at a precise position.
 */
final class Pattern {
    static final int P = 1_000_003;
    private static final byte[] BYTES = new byte[P + (1 << 20)];

    static {
        byte[] base = new byte[P];
        new Random(0xE7B1L).nextBytes(base);
        for (int i = 0; i < BYTES.length; i++) {
            BYTES[i] = base[i % P];
        }
    }

    private Pattern() {
    }

    /** A segment with the stream's bytes from {@code position}, {@code length} bytes (≤ 1 MiB). */
    static Segment segment(SegmentAllocator alloc, long position, int length) {
        Segment s = alloc.allocate(length);
        s.setBytes(0, BYTES, (int) (position % P), length);
        return s;
    }

    /** {@code total} bytes of the stream in chunks, generated on {@code loop} as demand comes; counts what was made. */
    static reactor.core.publisher.Flux<Segment> stream(dev.evpl.reactive.core.EventLoop loop, long total, int chunk,
            java.util.concurrent.atomic.AtomicLong generated) {
        return reactor.core.publisher.Flux.<Segment, Long>generate(() -> 0L, (position, sink) -> {
            if (position >= total) {
                sink.complete();
                return position;
            }
            int n = (int) Math.min(total - position, chunk);
            sink.next(segment(loop.allocator(), position, n));
            generated.set(position + n);
            return position + n;
        }).subscribeOn(loop);
    }

    /** Checks {@code s} holds the stream's bytes from {@code position}; throws naming the first mismatch. */
    static void verify(Segment s, long position, byte[] scratch) {
        int length = s.readableBytes();
        int done = 0;
        while (done < length) {
            int n = Math.min(scratch.length, length - done);
            s.getBytes(done, scratch, 0, n);
            int from = (int) ((position + done) % P);
            int mismatch = Arrays.mismatch(scratch, 0, n, BYTES, from, from + n);
            if (mismatch >= 0) {
                throw new AssertionError("content mismatch at stream byte " + (position + done + mismatch));
            }
            done += n;
        }
    }

    /**
     * A receiver's check of the stream: each segment verified at the running position, counted and
     * released; mismatches collected (a receive callback must not throw).
     */
    static final class Check implements java.util.function.Consumer<Segment> {
        private final java.util.concurrent.atomic.AtomicLong verified = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final byte[] scratch = new byte[1 << 20];

        @Override
        public void accept(Segment s) {
            try {
                verify(s, verified.get(), scratch);
                verified.addAndGet(s.readableBytes());
            } catch (Throwable t) {
                errors.add(t);
            } finally {
                s.release();
            }
        }

        /** Bytes verified so far. */
        long verified() {
            return verified.get();
        }

        /** Mismatches seen. */
        java.util.List<Throwable> errors() {
            return errors;
        }
    }
}
