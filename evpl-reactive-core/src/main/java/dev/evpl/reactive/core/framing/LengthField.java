package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.buffer.Segment;
import java.nio.ByteOrder;

/** {@link SegmentFunction#lengthField}. */
final class LengthField implements SegmentFunction {
    private final int offset;
    private final int width;
    private final boolean bigEndian;
    private final int adjustment;
    private final int max;

    LengthField(int offset, int width, ByteOrder order, int adjustment, int max) {
        if (offset < 0) {
            throw new IllegalArgumentException("lengthField offset must be >= 0, got " + offset);
        }
        if (width != 1 && width != 2 && width != 3 && width != 4 && width != 8) {
            throw new IllegalArgumentException("lengthField width must be 1, 2, 3, 4 or 8, got " + width);
        }
        if (max <= offset + width) {
            throw new IllegalArgumentException("lengthField max must exceed the header (" + (offset + width) + "), got " + max);
        }
        this.offset = offset;
        this.width = width;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        this.adjustment = adjustment;
        this.max = max;
    }

    @Override
    public int frame(Segment buffered) {
        int header = offset + width;
        if (buffered.readableBytes() < header) {
            return NEED_MORE;
        }
        long value = 0;
        for (int i = 0; i < width; i++) {
            int b = buffered.getByte(offset + (bigEndian ? i : width - 1 - i)) & 0xFF;
            value = (value << 8) | b;
        }
        if (width == 8 && value < 0) {
            throw new FramingException("length field " + Long.toUnsignedString(value) + " exceeds max " + max);
        }
        long total = header + value + adjustment;
        if (total > max) {
            throw new FramingException("message length " + total + " exceeds max " + max);
        }
        if (total < header) {
            throw new FramingException("message length " + total + " is shorter than its " + header + "-byte header");
        }
        return (int) total;
    }

    @Override
    public String toString() {
        return "lengthField(offset=" + offset + ", width=" + width + ", " + (bigEndian ? "BE" : "LE") + ", adjustment="
                + adjustment + ", max=" + max + ')';
    }
}
