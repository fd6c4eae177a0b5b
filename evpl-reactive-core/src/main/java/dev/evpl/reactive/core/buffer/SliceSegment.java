package dev.evpl.reactive.core.buffer;

import dev.evpl.reactive.core.internal.nativeio.NativeMemory;

/** One contiguous slice of one pooled {@link Buffer}; holds one buffer reference while alive. */
final class SliceSegment extends Segment {
    private final Buffer buffer;
    private final long address;
    private final int length;
    private final LeakDetector.Track track;

    /** Takes over one reference of {@code buffer} (the caller retained it for this slice). */
    SliceSegment(Buffer buffer, long address, int length) {
        this.buffer = buffer;
        this.address = address;
        this.length = length;
        this.track = LeakDetector.track(this, buffer);
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
        buffer.retain();
        return new SliceSegment(buffer, address + index, size);
    }

    @Override
    void deallocate() {
        LeakDetector.untrack(track);
        buffer.release();
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
