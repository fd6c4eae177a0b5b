package dev.evpl.reactive.core.buffer;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;

/**
 * A zero-copy, reference-counted view of bytes in pooled off-heap buffers: one contiguous slice, or
 * a composite of several (a message spanning two buffers stays uncopied).
 *
 * <p><b>Ownership.</b> Whoever receives a segment owns one reference: it must {@link #release()}
 * it, or hand it to something that takes ownership (a bind's {@code send}). A segment that reaches
 * a Reactor subscriber after it cancelled (Reactor's {@code onNextDropped}) is released by a hook
 * installed when this class loads. {@link #retain()}
 * shares; {@link #slice} returns a new segment with its own reference (the caller owns both).
 * Reading or writing a released segment throws {@link IllegalStateException} (while its object
 * has not been recycled: released segment objects are reused by the loop that allocated them, so a
 * reference kept past {@code release()} may later see another message; never keep one). In tests, paranoid
 * leak detection ({@link LeakDetector}) reports every segment not released, with where it was
 * allocated and last touched.
 *
 * <p><b>Threads.</b> Reference counting is atomic: a segment may be released on any thread. Content
 * access is not synchronised: one thread at a time, with a happens-before edge between them (Reactor
 * signals provide one).
 *
 * <p>Multi-byte accessors are big-endian (network order) unless named {@code LE}. Indexes are
 * relative to the segment's first byte.
 */
public abstract sealed class Segment permits SliceSegment, CompositeSegment {
    private static final java.lang.invoke.VarHandle REFS;

    static {
        try {
            REFS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Segment.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        DroppedSegments.install();
    }

    private volatile int refs = 1;

    Segment() {
    }

    /** Gives the memory back; called once, when the last reference is released. */
    abstract void deallocate();

    /**
     * Brings a recycled segment object back to life with one reference, the new owner's. Only the
     * recycler calls this, on its owner thread, before the object is published again (a release
     * store: the segment travels to other threads through Reactor signals, which order it anyway).
     */
    final void revive() {
        REFS.setRelease(this, 1);
    }

    /** Throws when this segment was released already. */
    final void ensureAccessible() {
        if (refs <= 0) {
            throw new IllegalStateException("segment already released");
        }
    }

    /** Number of bytes in this segment. */
    public abstract int readableBytes();

    /** The byte at {@code index}. */
    public abstract byte getByte(int index);

    /** Copies {@code length} bytes from {@code index} into {@code dst[offset..]}. */
    public abstract void getBytes(int index, byte[] dst, int offset, int length);

    /** Copies {@code length} bytes of {@code src[offset..]} to {@code index}. */
    public abstract void setBytes(int index, byte[] src, int offset, int length);

    /** Sets the byte at {@code index}. */
    public abstract void setByte(int index, int value);

    /**
     * A view of {@code length} bytes from {@code index}, sharing memory and holding its own
     * reference (the caller owns it and this segment both).
     */
    public abstract Segment slice(int index, int length);

    /** Adds a reference; returns this. */
    public final Segment retain() {
        int before = (int) REFS.getAndAdd(this, 1);
        if (before <= 0) {
            REFS.getAndAdd(this, -1);
            throw new IllegalStateException("segment already released");
        }
        return this;
    }

    /** Drops a reference; returns true when that was the last and the memory went back to the pool. */
    public final boolean release() {
        int after = (int) REFS.getAndAdd(this, -1) - 1;
        if (after == 0) {
            deallocate();
            return true;
        }
        if (after < 0) {
            REFS.getAndAdd(this, 1);
            throw new IllegalStateException("segment released more often than retained");
        }
        return false;
    }

    /** Current reference count (0 once released). */
    public final int refCnt() {
        return refs;
    }

    /** Records {@code hint} as the last place this segment was handled (for leak reports); returns this. */
    public abstract Segment touch(Object hint);

    /** Number of contiguous memory slices (1 for a plain segment). For backends. */
    public abstract int sliceCount();

    /** Address of slice {@code i}; valid while this segment is referenced. For backends. */
    public abstract long sliceAddress(int i);

    /** Length of slice {@code i}. For backends. */
    public abstract int sliceLength(int i);

    /** Unsigned 16-bit big-endian value at {@code index}. */
    public int getUnsignedShort(int index) {
        return ((getByte(index) & 0xFF) << 8) | (getByte(index + 1) & 0xFF);
    }

    /** 32-bit big-endian value at {@code index}. */
    public int getInt(int index) {
        return ((getByte(index) & 0xFF) << 24) | ((getByte(index + 1) & 0xFF) << 16)
                | ((getByte(index + 2) & 0xFF) << 8) | (getByte(index + 3) & 0xFF);
    }

    /** 32-bit little-endian value at {@code index}. */
    public int getIntLE(int index) {
        return Integer.reverseBytes(getInt(index));
    }

    /** 64-bit big-endian value at {@code index}. */
    public long getLong(int index) {
        return ((long) getInt(index) << 32) | (getInt(index + 4) & 0xFFFF_FFFFL);
    }

    /** Writes a 32-bit big-endian value at {@code index}. */
    public void setInt(int index, int value) {
        setByte(index, value >>> 24);
        setByte(index + 1, value >>> 16);
        setByte(index + 2, value >>> 8);
        setByte(index + 3, value);
    }

    /** Writes a 64-bit big-endian value at {@code index}. */
    public void setLong(int index, long value) {
        setInt(index, (int) (value >>> 32));
        setInt(index + 4, (int) value);
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        byte[] bytes = new byte[readableBytes()];
        getBytes(0, bytes, 0, bytes.length);
        return bytes;
    }

    /** The content decoded with {@code charset}. */
    public String toString(Charset charset) {
        return new String(toByteArray(), charset);
    }

    /** A direct {@link ByteBuffer} view of one slice (no copy), valid while this segment is referenced. */
    public ByteBuffer asByteBuffer(int slice) {
        return dev.evpl.reactive.core.internal.nativeio.NativeMemory.view(sliceAddress(slice), sliceLength(slice));
    }

    /** Direct {@link ByteBuffer} views of every slice (no copy). */
    public ByteBuffer[] asByteBuffers() {
        ByteBuffer[] views = new ByteBuffer[sliceCount()];
        for (int i = 0; i < views.length; i++) {
            views[i] = asByteBuffer(i);
        }
        return views;
    }

    /**
     * One segment over {@code parts} in order, without copying; takes ownership of the parts (their
     * references move into the composite). A single part is returned as is.
     */
    public static Segment composite(List<Segment> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new CompositeSegment(parts.toArray(new Segment[0]));
    }

    static IndexOutOfBoundsException outOfBounds(int index, int length, int size) {
        return new IndexOutOfBoundsException("index " + index + " length " + length + " out of segment of " + size + " bytes");
    }
}
