package dev.evpl.reactive.block;

import dev.evpl.reactive.core.internal.uring.LoopRing;

/**
 * Positional operations on a descriptor, started on a loop, completing on that loop with a
 * result (bytes done, or -errno). One implementation per {@link BlockProtocol}.
 */
interface BlockBackend {
    void read(int fd, long addr, int len, long offset, LoopRing.Completion done);

    void write(int fd, long addr, int len, long offset, LoopRing.Completion done);

    void fsync(int fd, boolean dataOnly, LoopRing.Completion done);

    void fallocate(int fd, int mode, long offset, long len, LoopRing.Completion done);

    /** The device is closing; called on the loop. Resources held for it go back. */
    default void close() {
    }
}
