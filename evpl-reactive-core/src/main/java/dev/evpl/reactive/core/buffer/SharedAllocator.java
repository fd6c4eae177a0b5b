package dev.evpl.reactive.core.buffer;

/**
 * Pooled segments for threads that run no event loop (a {@code boundedElastic} worker, a virtual
 * thread, an application thread). One allocator behind a lock: segments are carved from one shared
 * buffer at a time, so no thread pins a buffer of its own (a per-thread allocator kept a 2 MiB buffer
 * alive for as long as its thread, and forever once the thread died; thousands of virtual threads
 * would each have taken one). Nothing is recycled: segments released anywhere go to the garbage
 * collector, their memory back to the pool.
 *
 * <p>Thread-safe. A loop allocates from {@code EventLoop.allocator()} instead (no lock, recycling).
 */
public final class SharedAllocator {
    private static volatile SharedAllocator global;

    /** Never started: the allocator's owner, so no thread ever takes the owner's recycling paths. */
    private static final Thread NO_OWNER = new Thread(() -> { }, "evpl-shared-allocator");

    private final SegmentAllocator allocator;

    /** A shared allocator drawing from {@code pool}. */
    public SharedAllocator(BufferPool pool) {
        this.allocator = new SegmentAllocator(pool, NO_OWNER);
    }

    /** The shared allocator of {@link BufferPool#global()}. */
    public static SharedAllocator global() {
        SharedAllocator a = global;
        if (a == null) {
            synchronized (SharedAllocator.class) {
                a = global;
                if (a == null) {
                    global = a = new SharedAllocator(BufferPool.global());
                }
            }
        }
        return a;
    }

    /** A new segment of {@code length} writable bytes (content undefined); see {@link SegmentAllocator#allocate}. */
    public Segment allocate(int length) {
        synchronized (this) {
            return allocator.allocate(length);
        }
    }

    /**
     * Gives the current buffer back to the pool (live segments keep theirs); later allocations fail.
     * For allocators made with the constructor; the global one lives as long as the process.
     */
    public void close() {
        if (this == global) {
            throw new IllegalStateException("the global shared allocator cannot be closed");
        }
        synchronized (this) {
            allocator.close();
        }
    }

    /** A new segment holding a copy of {@code bytes}. */
    public Segment copyOf(byte[] bytes) {
        Segment s = allocate(bytes.length);
        s.setBytes(0, bytes, 0, bytes.length);
        return s;
    }
}
