package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.buffer.Segment;
import java.nio.ByteBuffer;

/** Byte copies between segments and byte buffers, slice by slice through direct views. */
final class SegmentCopy {
    private SegmentCopy() {
    }

    /** A direct view of {@code [index, index + length)} when it lies in one slice, else null. */
    static ByteBuffer view(Segment s, int index, int length) {
        for (int i = 0; i < s.sliceCount(); i++) {
            int n = s.sliceLength(i);
            if (index < n || (index == n && length == 0)) {
                if (index + length > n) {
                    return null;
                }
                ByteBuffer v = s.asByteBuffer(i);
                v.position(index).limit(index + length);
                return v.slice();
            }
            index -= n;
        }
        return length == 0 ? ByteBuffer.allocate(0) : null;
    }

    /** Copies {@code from}'s remaining bytes into {@code dst} at {@code index} (advances {@code from}). */
    static void copy(ByteBuffer from, Segment dst, int index) {
        for (int i = 0; i < dst.sliceCount() && from.hasRemaining(); i++) {
            int n = dst.sliceLength(i);
            if (index >= n) {
                index -= n;
                continue;
            }
            ByteBuffer v = dst.asByteBuffer(i);
            v.position(index);
            int take = Math.min(v.remaining(), from.remaining());
            ByteBuffer part = from.duplicate();
            part.limit(part.position() + take);
            v.put(part);
            from.position(from.position() + take);
            index = 0;
        }
        if (from.hasRemaining()) {
            throw new IndexOutOfBoundsException(from.remaining() + " bytes do not fit in the segment");
        }
    }

    /** Copies {@code length} bytes of {@code src} from {@code index} into {@code to} at its position (advances it). */
    static void copy(Segment src, int index, ByteBuffer to, int length) {
        for (int i = 0; i < src.sliceCount() && length > 0; i++) {
            int n = src.sliceLength(i);
            if (index >= n) {
                index -= n;
                continue;
            }
            ByteBuffer v = src.asByteBuffer(i);
            int take = Math.min(n - index, length);
            v.position(index).limit(index + take);
            to.put(v);
            length -= take;
            index = 0;
        }
        if (length > 0) {
            throw new IndexOutOfBoundsException(length + " bytes past the segment's end");
        }
    }

    /** Copies {@code length} bytes from {@code src} at {@code srcIndex} to {@code dst} at {@code dstIndex}. */
    static void copy(Segment src, int srcIndex, Segment dst, int dstIndex, int length) {
        for (int i = 0; i < dst.sliceCount() && length > 0; i++) {
            int n = dst.sliceLength(i);
            if (dstIndex >= n) {
                dstIndex -= n;
                continue;
            }
            ByteBuffer v = dst.asByteBuffer(i);
            int take = Math.min(n - dstIndex, length);
            v.position(dstIndex).limit(dstIndex + take);
            copy(src, srcIndex, v, take);
            srcIndex += take;
            length -= take;
            dstIndex = 0;
        }
        if (length > 0) {
            throw new IndexOutOfBoundsException(length + " bytes past the destination's end");
        }
    }
}
