package dev.evpl.reactive.block;

import dev.evpl.reactive.core.internal.uring.UringOps;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import java.util.concurrent.atomic.LongAdder;

/**
 * Block operations of one device on one loop, as SQEs on the loop's ring (submitted with the
 * pass's other operations). The device's descriptor is registered with the ring once, so each
 * operation names a registered-file slot instead of a descriptor; pooled memory sits in registered
 * slabs, so reads and writes use the fixed-buffer opcodes. Loop-confined.
 */
final class UringBackend implements BlockBackend {
    /** Operations that went through a fixed (pre-registered) buffer. */
    static final LongAdder FIXED_OPS = new LongAdder();
    /** Operations that named a registered file. */
    static final LongAdder FIXED_FILE_OPS = new LongAdder();

    private final LoopRing ring;
    private final int fd;
    /** The registered-file slot of {@link #fd}, or -1 (the kernel refused: the descriptor is used). */
    private int slot;

    /** Each operation goes to the kernel as it is issued, not with the pass's batch ({@link BlockOptions#submitEach()}). */
    private final boolean submitEach;

    UringBackend(LoopRing ring, int fd, boolean submitEach) {
        this.ring = ring;
        this.fd = fd;
        this.submitEach = submitEach;
        this.slot = ring.registerFile(fd);
    }

    /** The SQE's fd field: the registered slot when there is one (and marks the SQE so). */
    private int target(long sqe, int fd) {
        if (slot >= 0 && fd == this.fd) {
            UringOps.fixedFile(sqe);
            FIXED_FILE_OPS.increment();
            return slot;
        }
        return fd;
    }

    @Override
    public void read(int fd, long addr, int len, long offset, BlockCompletion done) {
        rw(false, fd, addr, len, offset, done);
    }

    @Override
    public void write(int fd, long addr, int len, long offset, BlockCompletion done) {
        rw(true, fd, addr, len, offset, done);
    }

    /** Pooled memory sits in a registered slab: the fixed opcode skips pinning pages per operation. */
    private void rw(boolean write, int fd, long addr, int len, long offset, BlockCompletion done) {
        int index = ring.fixedBufferIndex(addr, len);
        if (index >= 0) {
            FIXED_OPS.increment();
        }
        // The ring fills the SQE at once when it has room: then one preparer serves every operation;
        // an operation that must wait for room keeps a preparer of its own.
        RwPrep prep = ring.startsNow() ? shared : new RwPrep();
        prep.set(write, fd, addr, len, offset, index);
        start(prep, done);
    }

    private void start(LoopRing.Prep prep, BlockCompletion done) {
        ring.submit(prep, call(done));
        if (submitEach) {
            // A device starts on a request the moment it has it: measured, a virtio disk at QD 32
            // serves requests handed over one by one faster than the same requests in a pass's batch.
            ring.submitNow();
        }
    }

    /** Ring completions that hand the result to a block completion; recycled, so an operation allocates nothing. */
    private final java.util.ArrayDeque<RingCall> idle = new java.util.ArrayDeque<>();

    private RingCall call(BlockCompletion done) {
        RingCall c = idle.poll();
        if (c == null) {
            c = new RingCall();
        }
        c.done = done;
        return c;
    }

    /** The ring's side of one operation. Loop-confined. */
    private final class RingCall implements LoopRing.Completion {
        BlockCompletion done;

        @Override
        public void complete(int res) {
            BlockCompletion d = done;
            done = null;
            idle.push(this); // free before the callback: it may start the next operation at once
            d.complete(res);
        }
    }

    private final RwPrep shared = new RwPrep();

    /** Fills a read or write SQE from its fields. */
    private final class RwPrep implements LoopRing.Prep {
        private boolean write;
        private int fd;
        private long addr;
        private int len;
        private long offset;
        private int index;

        void set(boolean write, int fd, long addr, int len, long offset, int index) {
            this.write = write;
            this.fd = fd;
            this.addr = addr;
            this.len = len;
            this.offset = offset;
            this.index = index;
        }

        @Override
        public void prepare(long sqe, long userData) {
            if (write) {
                UringOps.write(sqe, target(sqe, fd), addr, len, offset, index, userData);
            } else {
                UringOps.read(sqe, target(sqe, fd), addr, len, offset, index, userData);
            }
        }
    }

    @Override
    public void fsync(int fd, boolean dataOnly, BlockCompletion done) {
        start((sqe, user) -> UringOps.fsync(sqe, target(sqe, fd), dataOnly, user), done);
    }

    @Override
    public void fallocate(int fd, int mode, long offset, long len, BlockCompletion done) {
        start((sqe, user) -> UringOps.fallocate(sqe, target(sqe, fd), mode, offset, len, user), done);
    }

    /** The device is closing: its slot is given back (operations under way keep the file until they end). */
    @Override
    public void close() {
        if (slot >= 0) {
            ring.unregisterFile(slot);
            slot = -1;
        }
    }
}
