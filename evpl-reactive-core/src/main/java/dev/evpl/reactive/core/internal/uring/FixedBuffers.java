package dev.evpl.reactive.core.internal.uring;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.MemoryRegistrar;
import dev.evpl.reactive.core.io.Errno;

/**
 * The fixed-buffer table of one ring: the buffer pool's slabs, each registered once (slot = slab
 * index; the kernel pins it), so reads and writes into pooled memory use {@code READ_FIXED} /
 * {@code WRITE_FIXED} and skip pinning pages per operation. Slabs mapped later are registered as
 * the pool announces them (on the loop). Loop-confined, like its ring.
 */
final class FixedBuffers {
    static final int SLOTS = 256;
    private final IoUring ring;
    private final long[] address = new long[SLOTS];
    private final long[] length = new long[SLOTS];
    private MemoryRegistrar registrar;
    private int max;
    private int count;
    private String problem;
    private boolean closed;

    FixedBuffers(IoUring ring, EventLoop loop) {
        this.ring = ring;
        if (RingRegister.registerSparseBuffers(ring.fd(), SLOTS)) {
            // Refused only when the loop is going away: its ring needs no more buffers.
            registrar = (index, addr, len) -> loop.execute(() -> register(index, addr, len));
            BufferPool.global().addRegistrar(registrar);
        } else {
            problem = "IORING_REGISTER_BUFFERS2 refused";
        }
    }

    private void register(int index, long addr, long len) {
        if (closed || index >= SLOTS) {
            return;
        }
        int rc = RingRegister.updateBuffer(ring.fd(), index, addr, len);
        if (rc == 0) {
            address[index] = addr;
            length[index] = len;
            count++;
            max = Math.max(max, index + 1);
        } else {
            problem = "slab " + index + ": " + Errno.name(-rc);
        }
    }

    /** The slot holding {@code [addr, addr + len)}, or -1 (memory outside the pool, or a slab not pinned). */
    int index(long addr, int len) {
        for (int i = 0; i < max; i++) {
            long start = address[i];
            if (start != 0 && addr >= start && addr + len <= start + length[i]) {
                return i;
            }
        }
        return -1;
    }

    int count() {
        return count;
    }

    String problem() {
        return problem;
    }

    /** The ring is closing: the pool stops announcing slabs to it. */
    void close() {
        closed = true;
        if (registrar != null) {
            BufferPool.global().removeRegistrar(registrar);
        }
    }
}
