package dev.evpl.reactive.core.buffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One fixed-size piece of a slab (2 MiB by default), the unit segments point into. Counted by
 * references: the allocator that carves it holds one, and every live segment slice holds one; the
 * last release returns it to its pool. Released from any thread (atomic count).
 */
final class Buffer {
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Buffer.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final BufferPool pool;
    final long address;
    final int capacity;
    /** Index of the slab this buffer belongs to (for registered-memory lookups). */
    final int slab;
    private volatile int refs;

    Buffer(BufferPool pool, long address, int capacity, int slab) {
        this.pool = pool;
        this.address = address;
        this.capacity = capacity;
        this.slab = slab;
    }

    /** Taken from the pool: one reference, the taker's. */
    void reset() {
        refs = 1;
    }

    void retain() {
        int before = (int) REFS.getAndAdd(this, 1);
        if (before <= 0) {
            REFS.getAndAdd(this, -1);
            throw new IllegalStateException("buffer already returned to its pool");
        }
    }

    /** Adds {@code n} references at once (an allocator pre-pays for the slices it will carve). */
    void retain(int n) {
        REFS.getAndAdd(this, n);
    }

    void release() {
        release(1);
    }

    /** Drops {@code n} references at once. */
    void release(int n) {
        int after = (int) REFS.getAndAdd(this, -n) - n;
        if (after == 0) {
            pool.give(this);
        } else if (after < 0) {
            throw new IllegalStateException("buffer released more often than retained");
        }
    }

    int refs() {
        return refs;
    }
}
