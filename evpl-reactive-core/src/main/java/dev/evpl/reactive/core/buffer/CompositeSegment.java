package dev.evpl.reactive.core.buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several segments read as one, without copying. Owns one reference of each part; releasing the
 * composite's last reference releases the parts. Nested composites are flattened.
 */
final class CompositeSegment extends Segment {
    private final Segment[] parts;
    /** offsets[i] = first index of parts[i]; offsets[n] = total length. */
    private final int[] offsets;

    CompositeSegment(Segment[] given) {
        List<Segment> flat = new ArrayList<>(given.length);
        for (Segment s : given) {
            if (s instanceof CompositeSegment c) {
                // Take the nested composite's parts with their own references, then drop the wrapper.
                for (Segment p : c.parts) {
                    flat.add(p.retain());
                }
                c.release();
            } else {
                flat.add(s);
            }
        }
        this.parts = flat.toArray(new Segment[0]);
        this.offsets = new int[parts.length + 1];
        long total = 0;
        for (int i = 0; i < parts.length; i++) {
            offsets[i] = (int) total;
            total += parts[i].readableBytes();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("composite of " + total + " bytes exceeds 2 GiB");
        }
        offsets[parts.length] = (int) total;
    }

    private int partOf(int index) {
        int i = Arrays.binarySearch(offsets, 0, parts.length, index);
        if (i < 0) {
            i = -i - 2;
        }
        // Skip empty parts that share an offset with the next.
        while (i < parts.length - 1 && offsets[i + 1] == index) {
            i++;
        }
        return i;
    }

    private void check(int index, int size) {
        ensureAccessible();
        if (index < 0 || size < 0 || index > readableBytes() - size) {
            throw outOfBounds(index, size, readableBytes());
        }
    }

    @Override
    public int readableBytes() {
        return offsets[parts.length];
    }

    @Override
    public byte getByte(int index) {
        check(index, 1);
        int p = partOf(index);
        return parts[p].getByte(index - offsets[p]);
    }

    @Override
    public void getBytes(int index, byte[] dst, int offset, int size) {
        check(index, size);
        while (size > 0) {
            int p = partOf(index);
            int at = index - offsets[p];
            int n = Math.min(size, parts[p].readableBytes() - at);
            parts[p].getBytes(at, dst, offset, n);
            index += n;
            offset += n;
            size -= n;
        }
    }

    @Override
    public void setBytes(int index, byte[] src, int offset, int size) {
        check(index, size);
        while (size > 0) {
            int p = partOf(index);
            int at = index - offsets[p];
            int n = Math.min(size, parts[p].readableBytes() - at);
            parts[p].setBytes(at, src, offset, n);
            index += n;
            offset += n;
            size -= n;
        }
    }

    @Override
    public void setByte(int index, int value) {
        check(index, 1);
        int p = partOf(index);
        parts[p].setByte(index - offsets[p], value);
    }

    @Override
    public Segment slice(int index, int size) {
        check(index, size);
        if (size == 0) {
            return parts[0].slice(0, 0);
        }
        int first = partOf(index);
        int last = partOf(index + size - 1);
        if (first == last) {
            return parts[first].slice(index - offsets[first], size);
        }
        Segment[] pieces = new Segment[last - first + 1];
        for (int p = first; p <= last; p++) {
            int from = Math.max(index, offsets[p]) - offsets[p];
            int to = Math.min(index + size, offsets[p + 1]) - offsets[p];
            pieces[p - first] = parts[p].slice(from, to - from);
        }
        return new CompositeSegment(pieces);
    }

    @Override
    void deallocate() {
        for (Segment p : parts) {
            p.release();
        }
    }

    @Override
    public Segment touch(Object hint) {
        for (Segment p : parts) {
            p.touch(hint);
        }
        return this;
    }

    @Override
    public int sliceCount() {
        return parts.length;
    }

    @Override
    public long sliceAddress(int i) {
        return parts[i].sliceAddress(0);
    }

    @Override
    public int sliceLength(int i) {
        return parts[i].sliceLength(0);
    }

    @Override
    public String toString() {
        return "Segment[" + readableBytes() + " bytes in " + parts.length + " slices, refs=" + refCnt() + ']';
    }
}
