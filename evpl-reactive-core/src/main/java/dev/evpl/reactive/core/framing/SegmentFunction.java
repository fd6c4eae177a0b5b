package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.buffer.Segment;
import java.nio.ByteOrder;

/**
 * libevpl's segment callback: looks at the bytes buffered so far and says where the next message
 * ends. Returns the message's full length (header included; it may be returned before all of it
 * arrived), {@link #NEED_MORE} (0) when it cannot tell yet, or a negative number to reject the
 * stream; throwing a {@link FramingException} rejects it with a reason.
 *
 * <p>The segment passed in is a view owned by the framing operator: read it, do not release or
 * keep it. Implementations must be cheap and non-blocking (they run on the loop).
 */
@FunctionalInterface
public interface SegmentFunction {
    /** "Not enough bytes to know the length yet." */
    int NEED_MORE = 0;

    /** The length of the next message in {@code buffered}, 0 for need more, negative to reject. */
    int frame(Segment buffered);

    /** Messages of exactly {@code length} bytes. */
    static SegmentFunction fixedLength(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("fixedLength must be > 0, got " + length);
        }
        return buffered -> length;
    }

    /**
     * A length field at {@code offset}, {@code width} bytes (1, 2, 3, 4 or 8) in {@code order},
     * whose value plus {@code adjustment} is the length of what follows the field. Messages longer
     * than {@code max} (header included) are rejected.
     */
    static SegmentFunction lengthField(int offset, int width, ByteOrder order, int adjustment, int max) {
        return new LengthField(offset, width, order, adjustment, max);
    }

    /** A 4-byte big-endian length prefix counting the payload only; messages up to {@code max} bytes. */
    static SegmentFunction length32(int max) {
        return lengthField(0, 4, ByteOrder.BIG_ENDIAN, 0, max);
    }

    /**
     * Messages ending with {@code delimiter} (included in the message); a stream with no delimiter
     * within {@code maxLength} bytes is rejected.
     */
    static SegmentFunction delimiter(byte[] delimiter, int maxLength) {
        return new Delimiter(delimiter, maxLength);
    }

    /** Lines ending with {@code \n} (included), at most {@code maxLength} bytes. */
    static SegmentFunction line(int maxLength) {
        return delimiter(new byte[] {'\n'}, maxLength);
    }
}
