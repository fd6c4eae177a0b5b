package dev.evpl.reactive.core.buffer;

import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.nio.ByteBuffer;

/**
 * Reusable {@link ByteBuffer} views of segments, for code that hands segments to a
 * {@code ByteBuffer} API for the length of one call ({@code SSLEngine.wrap}, a channel): in steady
 * state no object is made per call, where {@link Segment#asByteBuffers()} makes an array and a
 * view per slice. Each view is a window (position and limit) on a view of the whole pool slab the
 * slice lives in; memory outside the pool's slabs gets a fresh view as before.
 *
 * <p>What a method returns is valid until the next call on the same object, which reuses the same
 * views and arrays: keep one object per use that must overlap (sources and destinations of one
 * engine call). Not thread-safe: one owner, typically a connection on its loop. The views do not
 * retain the segment: use them only while the caller owns it.
 */
public final class ByteBufferViews {
    private static final int MAX_CACHED_ARRAY = 8;

    private final BufferPool pool;
    /** Views handed out by the current call, and the slab window each one is a duplicate of. */
    private ByteBuffer[] views = new ByteBuffer[4];
    private int[] windows = new int[4];
    private int used;
    private final ByteBuffer[][] arrays = new ByteBuffer[MAX_CACHED_ARRAY + 1][];

    /** Views of segments of {@code pool} (others are served too, without reuse). */
    public ByteBufferViews(BufferPool pool) {
        this.pool = pool;
    }

    /** Views of every slice of {@code s}, in order; valid until the next call on this object. */
    public ByteBuffer[] of(Segment s) {
        used = 0;
        int n = s.sliceCount();
        ByteBuffer[] out = array(n);
        for (int i = 0; i < n; i++) {
            out[i] = view(s.sliceAddress(i), s.sliceLength(i));
        }
        return out;
    }

    /** A view of slice {@code slice} of {@code s}; valid until the next call on this object. */
    public ByteBuffer of(Segment s, int slice) {
        used = 0;
        return view(s.sliceAddress(slice), s.sliceLength(slice));
    }

    /**
     * A view of {@code length} bytes of slice {@code slice} of {@code s} from {@code offset} in the
     * slice; valid until the next call on this object.
     */
    public ByteBuffer of(Segment s, int slice, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > s.sliceLength(slice)) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " in a slice of "
                    + s.sliceLength(slice) + " bytes");
        }
        used = 0;
        return view(s.sliceAddress(slice) + offset, length);
    }

    /**
     * Starts a gathered array (views of parts of several segments, in order, for one call): add the
     * parts with {@link #add}, then take the array with {@link #gathered()}.
     */
    public void clear() {
        used = 0;
    }

    /**
     * Adds a view of {@code length} bytes of slice {@code slice} of {@code s} from {@code offset} in
     * the slice to the array started by {@link #clear()}.
     */
    public void add(Segment s, int slice, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > s.sliceLength(slice)) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " in a slice of "
                    + s.sliceLength(slice) + " bytes");
        }
        long address = s.sliceAddress(slice) + offset;
        if (pool.windowOf(address) >= 0) {
            view(address, length);
            return;
        }
        grow();
        views[used] = NativeMemory.view(address, length); // outside the pool: a fresh view, this array only
        windows[used++] = -1;
    }

    private void grow() {
        if (used == views.length) {
            views = java.util.Arrays.copyOf(views, used * 2);
            windows = java.util.Arrays.copyOf(windows, used * 2);
        }
    }

    /** The views added since {@link #clear()}, in order; valid until the next call on this object. */
    public ByteBuffer[] gathered() {
        ByteBuffer[] out = array(used);
        System.arraycopy(views, 0, out, 0, used);
        return out;
    }

    /** An array of {@code n} slots: the cached one for small counts, else a new one. */
    private ByteBuffer[] array(int n) {
        if (n > MAX_CACHED_ARRAY) {
            return new ByteBuffer[n];
        }
        ByteBuffer[] out = arrays[n];
        if (out == null) {
            out = arrays[n] = new ByteBuffer[n];
        }
        return out;
    }

    private ByteBuffer view(long address, int length) {
        int w = pool.windowOf(address);
        if (w < 0) {
            return NativeMemory.view(address, length);
        }
        grow();
        ByteBuffer v = views[used];
        if (v == null || windows[used] != w) {
            v = views[used] = pool.window(w).duplicate(); // once per slot and slab
            windows[used] = w;
        }
        used++;
        int at = (int) (address - pool.windowBase(w));
        v.limit(at + length).position(at);
        return v;
    }
}
