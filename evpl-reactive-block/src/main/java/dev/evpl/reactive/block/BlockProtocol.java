package dev.evpl.reactive.block;

import dev.evpl.reactive.core.internal.uring.LoopRing;

/** How a {@link BlockDevice} performs I/O. */
public enum BlockProtocol {
    /**
     * io_uring on the queue's event loop: the loop's ring (shared with its other backends)
     * submits reads, writes and flushes in one {@code io_uring_enter} per pass; completions wake
     * the same loop as its sockets.
     */
    IO_URING,
    /**
     * Portable: positional {@code pread}/{@code pwrite} on a small owned thread pool, completions
     * delivered back on the queue's loop. Used when io_uring is unavailable.
     */
    THREAD_POOL;

    /** Whether this protocol works in this process. */
    public boolean isAvailable() {
        return this == THREAD_POOL || LoopRing.isAvailable();
    }

    /** Why not, or null when available. */
    public String unavailableReason() {
        return isAvailable() ? null : LoopRing.unavailableReason();
    }

    /** {@link #IO_URING} when available, else {@link #THREAD_POOL}. */
    public static BlockProtocol preferred() {
        return IO_URING.isAvailable() ? IO_URING : THREAD_POOL;
    }

    /** Looks a protocol up by name ({@code IO_URING}, {@code THREAD_POOL}), with a clear error. */
    public static BlockProtocol lookup(String name) {
        for (BlockProtocol p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown block protocol '" + name + "' (IO_URING, THREAD_POOL)");
    }
}
