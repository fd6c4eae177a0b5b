package dev.evpl.reactive.core.buffer;

import dev.evpl.reactive.core.internal.nativeio.NativeMemory;

/**
 * One contiguous slice of one pooled {@link Buffer}; holds one buffer reference while alive.
 *
 * <p>Recyclable: when the last reference is released on the thread that owns {@link #recycler},
 * the object goes back to that allocator's free list and is {@linkplain #reset reset} for the next
 * slice, so a loop's receive, framing and send paths allocate no objects in steady state. Released
 * anywhere else, it is left to the garbage collector. Fields are plain: a reset happens on the
 * owner thread before the segment is published again.
 */
final class SliceSegment extends Segment {
    /** The allocator that recycles this object; null for none. */
    final SegmentAllocator recycler;
    private Buffer buffer;
    private long address;
    private int length;
    private LeakDetector.Track track;

    /** Takes over one reference of {@code buffer} (the caller retained it for this slice). */
    SliceSegment(SegmentAllocator recycler, Buffer buffer, long address, int length) {
        this.recycler = recycler;
        reset(buffer, address, length);
    }

    /** (Re)initialises this object as a fresh slice with one reference; takes over one of {@code buffer}'s. */
    SliceSegment reset(Buffer buffer, long address, int length) {
        this.buffer = buffer;
        this.address = address;
        this.length = length;
        this.track = LeakDetector.track(this, buffer);
        return this;
    }

    Buffer buffer() {
        return buffer;
    }

    private void check(int index, int size) {
        ensureAccessible();
        if (index < 0 || size < 0 || index > length - size) {
            throw outOfBounds(index, size, length);
        }
    }

    @Override
    public int readableBytes() {
        return length;
    }

    @Override
    public byte getByte(int index) {
        check(index, 1);
        return NativeMemory.getByte(address + index);
    }

    @Override
    public int getInt(int index) {
        check(index, 4);
        return Integer.reverseBytes(NativeMemory.getInt(address + index));
    }

    @Override
    public long getLong(int index) {
        check(index, 8);
        return Long.reverseBytes(NativeMemory.getLong(address + index));
    }

    @Override
    public void setInt(int index, int value) {
        check(index, 4);
        NativeMemory.putInt(address + index, Integer.reverseBytes(value));
    }

    @Override
    public void setLong(int index, long value) {
        check(index, 8);
        NativeMemory.putLong(address + index, Long.reverseBytes(value));
    }

    @Override
    public void getBytes(int index, byte[] dst, int offset, int size) {
        check(index, size);
        NativeMemory.get(address + index, dst, offset, size);
    }

    @Override
    public void setBytes(int index, byte[] src, int offset, int size) {
        check(index, size);
        NativeMemory.put(address + index, src, offset, size);
    }

    @Override
    public void setByte(int index, int value) {
        check(index, 1);
        NativeMemory.putByte(address + index, (byte) value);
    }

    @Override
    public Segment slice(int index, int size) {
        check(index, size);
        if (recycler != null) {
            return recycler.slice(buffer, address + index, size);
        }
        buffer.retain();
        return new SliceSegment(null, buffer, address + index, size);
    }

    @Override
    void deallocate() {
        LeakDetector.untrack(track);
        track = null;
        Buffer b = buffer;
        if (recycler == null || !recycler.recycle(this, b)) {
            b.release();
        }
    }

    @Override
    public Segment touch(Object hint) {
        LeakDetector.touch(track, hint);
        return this;
    }

    @Override
    public int sliceCount() {
        return 1;
    }

    @Override
    public long sliceAddress(int i) {
        if (i != 0) {
            throw outOfBounds(i, 1, 1);
        }
        return address;
    }

    @Override
    public int sliceLength(int i) {
        if (i != 0) {
            throw outOfBounds(i, 1, 1);
        }
        return length;
    }

    @Override
    public String toString() {
        return "Segment[" + length + " bytes, refs=" + refCnt() + ']';
    }
}
