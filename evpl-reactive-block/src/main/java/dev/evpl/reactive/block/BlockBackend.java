package dev.evpl.reactive.block;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.internal.uring.LoopRing;

/**
 * Positional operations on a descriptor, started on a loop, completing on that loop with a
 * result (bytes done, or -errno). One implementation per {@link BlockProtocol}.
 */
interface BlockBackend {
    /**
     * The backend of {@code protocol} for descriptor {@code fd} on {@code loop}; loop thread.
     * {@code submitEach}: io_uring hands each operation to the kernel as it is issued.
     */
    static BlockBackend open(BlockProtocol protocol, EventLoop loop, int fd, boolean submitEach) {
        return switch (protocol) {
            case IO_URING -> new UringBackend(LoopRing.of(loop), fd, submitEach);
            case THREAD_POOL -> new ThreadPoolBackend(loop);
        };
    }

    void read(int fd, long addr, int len, long offset, BlockCompletion done);

    void write(int fd, long addr, int len, long offset, BlockCompletion done);

    void fsync(int fd, boolean dataOnly, BlockCompletion done);

    void fallocate(int fd, int mode, long offset, long len, BlockCompletion done);

    /** The device is closing; called on the loop. Resources held for it go back. */
    default void close() {
    }
}
