package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.nio.ByteOrder;
import java.util.List;

/** {@link FrameEncoder#lengthField}. Immutable. */
final class LengthFieldEncoder implements FrameEncoder {
    private final int width;
    private final boolean bigEndian;
    private final int adjustment;
    /** Largest value the field holds (unsigned; an 8-byte field is bounded by a segment's int length). */
    private final long maxValue;

    LengthFieldEncoder(int width, ByteOrder order, int adjustment) {
        if (width != 1 && width != 2 && width != 3 && width != 4 && width != 8) {
            throw new IllegalArgumentException("lengthField width must be 1, 2, 3, 4 or 8, got " + width);
        }
        this.width = width;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        this.adjustment = adjustment;
        this.maxValue = width == 8 ? Long.MAX_VALUE : (1L << (8 * width)) - 1;
    }

    @Override
    public Segment encode(Segment payload, SegmentAllocator allocator) {
        long value = (long) payload.readableBytes() - adjustment;
        if (value < 0 || value > maxValue) {
            int length = payload.readableBytes();
            payload.release();
            throw new IllegalArgumentException("a payload of " + length + " bytes (adjustment " + adjustment
                    + ") does not fit a " + width + "-byte length field");
        }
        Segment header;
        try {
            header = allocator.allocate(width);
        } catch (RuntimeException e) {
            payload.release();
            throw e;
        }
        for (int i = 0; i < width; i++) {
            int shift = 8 * (bigEndian ? width - 1 - i : i);
            header.setByte(i, (int) (value >>> shift));
        }
        return Segment.composite(List.of(header, payload));
    }

    @Override
    public String toString() {
        return "lengthField(width=" + width + ", " + (bigEndian ? "BE" : "LE") + ", adjustment=" + adjustment + ')';
    }
}
