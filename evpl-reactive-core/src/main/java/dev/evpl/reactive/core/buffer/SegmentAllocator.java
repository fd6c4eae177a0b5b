package dev.evpl.reactive.core.buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Carves segments out of one pooled buffer at a time (bump allocation): small messages share a
 * buffer and its single reference count. One per event loop ({@code EventLoop.allocator()}), or
 * one per thread that owns it.
 *
 * <p>Receive paths use {@link #reserve(int)} / {@link #commit(int)}: the kernel writes straight
 * into the free tail of the current buffer, and only the bytes that arrived become a segment.
 *
 * <p>Segments released on the owner thread come back here: their objects are reused for the next
 * slices and their buffer reference is kept (no atomic operation when it is the current buffer), so
 * a loop that receives, frames and sends allocates nothing per message in steady state. Segments
 * released on other threads simply go to the garbage collector.
 *
 * <p>Thread-safety: confined to its owner thread (the first thread that allocates). The segments
 * it returns may travel and be released anywhere.
 */
public final class SegmentAllocator {
    /** Slices start 8-byte aligned so multi-byte access in them stays aligned. */
    private static final int ALIGN = 8;

    private final BufferPool pool;
    private final int bufferSize;
    /**
     * References of {@link #current} paid for in advance: carving a slice consumes one with a plain
     * decrement instead of an atomic add per slice; the unused rest is given back in one atomic add
     * when the allocator moves on.
     */
    private static final int PREPAY = 4096;

    /** Recycled segment objects kept at most; beyond that they go to the garbage collector. */
    private static final int MAX_FREE = 1024;

    private Buffer current;
    private int prepaid;
    private int offset;
    private boolean closed;
    /** Set by the first allocation; the only thread that touches the fields below and above. */
    private Thread owner;
    private final SliceSegment[] free = new SliceSegment[MAX_FREE];
    private int freeCount;

    /** An allocator drawing from {@code pool}. */
    public SegmentAllocator(BufferPool pool) {
        this.pool = pool;
        this.bufferSize = pool.config().bufferSize();
    }

    /**
     * An allocator whose owner is {@code owner} from the start: {@link SharedAllocator} passes a
     * thread that never runs, so nothing is ever recycled into it and any thread may release.
     */
    SegmentAllocator(BufferPool pool, Thread owner) {
        this(pool);
        this.owner = owner;
    }

    /** The pool this allocator draws from. */
    public BufferPool pool() {
        return pool;
    }

    /**
     * A new segment of {@code length} writable bytes (content undefined). Larger than one buffer,
     * it is a composite of whole buffers.
     */
    public Segment allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        if (length <= bufferSize) {
            ensure(length);
            return carve(length);
        }
        List<Segment> parts = new ArrayList<>();
        int left = length;
        while (left > 0) {
            int n = Math.min(left, bufferSize);
            ensure(n);
            parts.add(carve(n));
            left -= n;
        }
        return Segment.composite(parts);
    }

    /** A new segment holding a copy of {@code bytes}. */
    public Segment copyOf(byte[] bytes) {
        Segment s = allocate(bytes.length);
        s.setBytes(0, bytes, 0, bytes.length);
        return s;
    }

    /**
     * Address of at least {@code min} (at most one buffer) contiguous free bytes for the kernel to
     * write into; {@link #reservedLength()} tells how many there are. Follow with {@link #commit}.
     */
    public long reserve(int min) {
        if (min > bufferSize) {
            throw new IllegalArgumentException("reserve(" + min + ") exceeds the buffer size " + bufferSize);
        }
        ensure(min);
        return current.address + offset;
    }

    /** Free bytes at the address {@link #reserve} returned. */
    public int reservedLength() {
        return current == null ? 0 : bufferSize - offset;
    }

    /** Turns the first {@code length} reserved bytes into a segment (0 gives null). */
    public Segment commit(int length) {
        if (length == 0) {
            return null;
        }
        if (current == null || length > bufferSize - offset) {
            throw new IllegalStateException("commit(" + length + ") exceeds the reserved " + reservedLength() + " bytes");
        }
        return carve(length);
    }

    private void ensure(int length) {
        if (closed) {
            throw new IllegalStateException("allocator closed");
        }
        if (owner == null) {
            owner = Thread.currentThread();
        }
        if (current == null || bufferSize - offset < length) {
            Buffer next = pool.take(); // first: if the pool is exhausted, the current buffer stays valid
            if (current != null) {
                current.release(prepaid + 1);
            }
            current = next;
            current.retain(PREPAY);
            prepaid = PREPAY;
            offset = 0;
        }
    }

    private Segment carve(int length) {
        if (prepaid == 0) {
            current.retain(PREPAY);
            prepaid = PREPAY;
        }
        prepaid--;
        Segment s = obtain(current, current.address + offset, length);
        offset = Math.min(bufferSize, (offset + length + ALIGN - 1) & -ALIGN);
        return s;
    }

    /** A segment object for a slice whose buffer reference the caller already holds. Owner thread only. */
    private SliceSegment obtain(Buffer buffer, long address, int length) {
        if (freeCount > 0) {
            SliceSegment s = free[--freeCount];
            free[freeCount] = null;
            s.revive();
            return s.reset(buffer, address, length);
        }
        return new SliceSegment(this, buffer, address, length);
    }

    /** A new slice of {@code buffer} (a segment's {@code slice}); any thread. */
    Segment slice(Buffer buffer, long address, int length) {
        if (Thread.currentThread() != owner) {
            buffer.retain();
            return new SliceSegment(this, buffer, address, length);
        }
        if (buffer == current && prepaid > 0) {
            prepaid--;
        } else {
            buffer.retain();
        }
        return obtain(buffer, address, length);
    }

    /**
     * Takes back a released segment of this allocator when called on the owner thread: keeps its
     * object for reuse and its buffer reference (as prepaid when it is the current buffer).
     * Returns false elsewhere; the caller then releases the buffer reference itself.
     */
    boolean recycle(SliceSegment segment, Buffer buffer) {
        if (Thread.currentThread() != owner) {
            return false;
        }
        if (buffer == current) {
            prepaid++; // the slice's reference becomes a prepaid one: no atomic operation
        } else {
            buffer.release();
        }
        if (freeCount < MAX_FREE && !closed) {
            free[freeCount++] = segment;
        }
        return true;
    }

    /** Gives back the current buffer (live segments keep theirs alive); later allocations fail. */
    public void close() {
        if (!closed) {
            closed = true;
            if (current != null) {
                current.release(prepaid + 1);
                current = null;
                prepaid = 0;
            }
            java.util.Arrays.fill(free, 0, freeCount, null);
            freeCount = 0;
        }
    }
}
