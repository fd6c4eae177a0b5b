package dev.evpl.reactive.block;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.internal.nativeio.Native;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The portable protocol: each operation runs as a blocking {@code pread}/{@code pwrite}/{@code
 * fsync} on a small pool of daemon threads owned by this module ({@code evpl-block-N}, one per two
 * cores, at least 2), and its result is handed back to the loop with one task.
 */
final class ThreadPoolBackend implements BlockBackend {
    private static final ThreadPoolExecutor POOL = pool();

    /**
     * Fixed threads, all started up front, on a lock-free queue: handing an operation over from a
     * loop never takes a lock or parks (BlockHound checks the loops).
     */
    private static ThreadPoolExecutor pool() {
        int n = Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
        AtomicInteger id = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedTransferQueue<>(), r -> {
            Thread t = new Thread(r, "evpl-block-" + id.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        p.prestartAllCoreThreads();
        return p;
    }

    private final EventLoop loop;

    ThreadPoolBackend(EventLoop loop) {
        this.loop = loop;
    }

    private void run(java.util.function.LongSupplier op, BlockCompletion done) {
        POOL.execute(() -> {
            long rc = op.getAsLong();
            int res = rc < 0 ? -Native.errno() : (int) rc;
            loop.execute(() -> done.complete(res)); // refused only when the loop is gone: nobody takes the result
        });
    }

    @Override
    public void read(int fd, long addr, int len, long offset, BlockCompletion done) {
        run(() -> LIBC.pread(fd, addr, len, offset), done);
    }

    @Override
    public void write(int fd, long addr, int len, long offset, BlockCompletion done) {
        run(() -> LIBC.pwrite(fd, addr, len, offset), done);
    }

    @Override
    public void fsync(int fd, boolean dataOnly, BlockCompletion done) {
        run(() -> dataOnly ? LIBC.fdatasync(fd) : LIBC.fsync(fd), done);
    }

    @Override
    public void fallocate(int fd, int mode, long offset, long len, BlockCompletion done) {
        run(() -> LIBC.fallocate(fd, mode, offset, len), done);
    }
}
