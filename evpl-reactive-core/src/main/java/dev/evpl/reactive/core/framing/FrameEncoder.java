package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.nio.ByteOrder;

/**
 * The sending half of a {@link SegmentFunction}: frames one payload so that the matching decoder on
 * the peer delivers it as one message. The payload is not copied: the frame is a composite of a
 * small header (or trailer) carved from the allocator and the payload itself.
 *
 * <p>What the decoder delivers is the whole frame, header or delimiter included: a
 * {@link SegmentFunction#length32} message starts with its 4-byte prefix, a
 * {@link SegmentFunction#line} message ends with its {@code \n}. Slice the payload out with
 * {@code message.slice(4, message.readableBytes() - 4)} (or {@code - 1} for a line); a slice holds
 * a reference of its own, to release as well.
 *
 * <p>Thread-safety: encoders are immutable and shareable; {@link #encode} runs on the thread that
 * owns the allocator (the loop, for {@code loop().allocator()}). {@link Framing#send} does that hop.
 */
@FunctionalInterface
public interface FrameEncoder {

    /**
     * The frame of {@code payload}, taking ownership of it (its reference moves into the frame; on
     * an exception it is released). Owner thread of {@code allocator} only.
     */
    Segment encode(Segment payload, SegmentAllocator allocator);

    /** A 4-byte big-endian prefix counting the payload only: the peer decodes with {@link SegmentFunction#length32}. */
    static FrameEncoder length32() {
        return lengthField(4, ByteOrder.BIG_ENDIAN, 0);
    }

    /**
     * A length field of {@code width} bytes (1, 2, 3, 4 or 8) in {@code order} at the start of the
     * frame, holding the payload's length minus {@code adjustment}: the peer decodes with
     * {@code SegmentFunction.lengthField(0, width, order, adjustment, max)}. A payload whose length
     * does not fit the field is refused with an {@link IllegalArgumentException}.
     */
    static FrameEncoder lengthField(int width, ByteOrder order, int adjustment) {
        return new LengthFieldEncoder(width, order, adjustment);
    }

    /** The payload followed by {@code delimiter}: the peer decodes with {@link SegmentFunction#delimiter}. */
    static FrameEncoder delimiter(byte[] delimiter) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        byte[] d = delimiter.clone();
        return (payload, allocator) -> {
            Segment trailer;
            try {
                trailer = allocator.allocate(d.length);
            } catch (RuntimeException e) {
                payload.release();
                throw e;
            }
            trailer.setBytes(0, d, 0, d.length);
            return Segment.composite(java.util.List.of(payload, trailer));
        };
    }

    /** The payload followed by {@code \n}: the peer decodes with {@link SegmentFunction#line}. */
    static FrameEncoder line() {
        return delimiter(new byte[] {'\n'});
    }
}
