package dev.evpl.reactive.block;

import dev.evpl.reactive.core.internal.uring.IoUring;
import dev.evpl.reactive.core.internal.uring.LoopRing;

/** Block operations as SQEs on the loop's ring (submitted together at the end of the pass). */
final class UringBackend implements BlockBackend {
    private final LoopRing ring;

    UringBackend(LoopRing ring) {
        this.ring = ring;
    }

    /** Operations that went through a fixed (pre-registered) buffer. */
    static final java.util.concurrent.atomic.LongAdder FIXED_OPS = new java.util.concurrent.atomic.LongAdder();

    @Override
    public void read(int fd, long addr, int len, long offset, LoopRing.Completion done) {
        rw(IoUring.OP_READ_FIXED, IoUring.OP_READ, fd, addr, len, offset, done);
    }

    @Override
    public void write(int fd, long addr, int len, long offset, LoopRing.Completion done) {
        rw(IoUring.OP_WRITE_FIXED, IoUring.OP_WRITE, fd, addr, len, offset, done);
    }

    /** Pooled memory sits in a registered slab: the fixed opcode skips pinning pages per operation. */
    private void rw(byte fixedOp, byte plainOp, int fd, long addr, int len, long offset, LoopRing.Completion done) {
        int index = ring.fixedBufferIndex(addr, len);
        if (index >= 0) {
            FIXED_OPS.increment();
            ring.submit((sqe, user) -> {
                IoUring.prep(sqe, fixedOp, fd, addr, len, offset, 0, user);
                IoUring.bufIndex(sqe, index);
            }, done);
        } else {
            ring.submit((sqe, user) -> IoUring.prep(sqe, plainOp, fd, addr, len, offset, 0, user), done);
        }
    }

    @Override
    public void fsync(int fd, boolean dataOnly, LoopRing.Completion done) {
        ring.submit((sqe, user) -> IoUring.prep(sqe, IoUring.OP_FSYNC, fd, 0, 0, 0,
                dataOnly ? IoUring.FSYNC_DATASYNC : 0, user), done);
    }

    @Override
    public void fallocate(int fd, int mode, long offset, long len, LoopRing.Completion done) {
        // IORING_OP_FALLOCATE: the length travels in addr, the mode in len.
        ring.submit((sqe, user) -> IoUring.prep(sqe, IoUring.OP_FALLOCATE, fd, len, mode, offset, 0, user), done);
    }
}
