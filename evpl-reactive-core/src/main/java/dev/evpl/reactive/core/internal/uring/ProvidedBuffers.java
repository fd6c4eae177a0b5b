package dev.evpl.reactive.core.internal.uring;

import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A loop's provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}): pooled segments the kernel
 * picks from when a buffer-select receive has data, so an idle connection holds no memory (a plain
 * RECV must name its buffer up front). Every connection of the loop shares the group.
 *
 * <p>Where the kernel consumes buffers incrementally ({@code IOU_PBUF_RING_INC}, Linux 6.12+), a
 * receive fills only what it needs of the current buffer and the next one continues after it: each
 * completion is handed over as a slice of the buffer, no copy, no allocation of memory, and the slot
 * gets a fresh buffer only when the kernel reports the buffer finished (no {@code F_BUF_MORE}). The
 * kernel only writes past what it has reported, so the slices the application holds are never
 * written again. Elsewhere, when a receive completes in buffer {@code bid}, {@link #take} copies a
 * short message into an exact-size segment and the same buffer goes back (no memory pinned for a
 * few bytes); a long one is handed over without a copy and a fresh pooled buffer takes its place.
 * Either way closing a connection leaves nothing behind. The ring's buffers are released when the
 * loop's ring closes.
 *
 * <p>Loop-confined. The ring tail is published with a release store, as the kernel requires.
 */
public final class ProvidedBuffers {
    /** The buffer group id receives select from. */
    public static final int GROUP = 0;
    /** Shorter receives are copied out and the buffer reused in place. */
    static final int COPY_BELOW = 2048;
    /** {@code IOU_PBUF_RING_INC}: register flag for incremental consumption. */
    private static final int PBUF_RING_INC = 2;
    /** CQE flag {@code IORING_CQE_F_BUF_MORE}: the kernel goes on filling this buffer. */
    public static final int CQE_F_BUF_MORE = 1 << 4;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final IoUring ring;
    private final SegmentAllocator allocator;
    private final int entries;
    private final int mask;
    private final int size;
    private final long raw;
    private final long base;
    private final ByteBuffer view;
    private final Segment[] buffers;
    private int tail;
    private boolean dirty;
    private boolean closed;
    private int missing;
    /** Incremental consumption: bytes of each slot's buffer already reported; null when off. */
    private final int[] consumed;
    /** Tests and metrics: receives copied out, buffers given up to the application (slot refilled or not). */
    private long copies;
    private long handedOver;

    private ProvidedBuffers(IoUring ring, SegmentAllocator allocator, int entries, int size, long raw, long base,
            boolean incremental) {
        this.ring = ring;
        this.allocator = allocator;
        this.entries = entries;
        this.mask = entries - 1;
        this.size = size;
        this.raw = raw;
        this.base = base;
        this.view = NativeMemory.view(base, entries * 16);
        this.buffers = new Segment[entries];
        this.consumed = incremental ? new int[entries] : null;
    }

    /** Whether the kernel consumes these buffers incrementally (receives are slices, never copies). */
    public boolean incremental() {
        return consumed != null;
    }

    private static volatile boolean refused;
    private static volatile boolean wholeBuffersForTests;

    /**
     * Tests: rings that register their buffers from now on behave as on a kernel without buffer
     * rings (receives fall back to one RECV per credit), or again normally.
     */
    public static void refuseForTests(boolean refuse) {
        refused = refuse;
    }

    /** Tests: rings registered from now on consume whole buffers (the path of kernels before 6.12), or again incrementally. */
    public static void wholeBuffersForTests(boolean whole) {
        wholeBuffersForTests = whole;
    }

    /**
     * Registers a ring of {@code entries} buffers of {@code size} bytes, filled from
     * {@code allocator}; null when the kernel refuses (older than 5.19, or memory limits), with the
     * reason in {@code why[0]}.
     */
    static ProvidedBuffers create(IoUring ring, SegmentAllocator allocator, int entries, int size, String[] why) {
        if (refused) {
            why[0] = "provided buffers refused by ProvidedBuffers.refuseForTests";
            return null;
        }
        long bytes = (long) entries * 16;
        long raw = NativeMemory.allocate(bytes + 4096);
        long base = (raw + 4095) & ~4095L; // the kernel wants the ring page-aligned
        NativeMemory.zero(base, bytes);
        boolean incremental = !wholeBuffersForTests;
        int rc = incremental ? RingRegister.registerBufferRing(ring.fd(), base, entries, GROUP, PBUF_RING_INC) : -1;
        if (rc < 0) {
            incremental = false; // before Linux 6.12: EINVAL for the flag; whole buffers then
            rc = RingRegister.registerBufferRing(ring.fd(), base, entries, GROUP, 0);
        }
        if (rc < 0) {
            NativeMemory.free(raw);
            why[0] = "IORING_REGISTER_PBUF_RING: " + dev.evpl.reactive.core.io.Errno.name(-rc);
            return null;
        }
        ProvidedBuffers b = new ProvidedBuffers(ring, allocator, entries, size, raw, base, incremental);
        for (int bid = 0; bid < entries; bid++) {
            b.provide(bid, allocator.allocate(size));
        }
        b.publish();
        return b;
    }

    /** Bytes of one buffer (the most one receive completion carries). */
    public int bufferSize() {
        return size;
    }

    private void provide(int bid, Segment buffer) {
        buffers[bid] = buffer;
        long entry = base + (long) (tail & mask) * 16;
        NativeMemory.putLong(entry, buffer.sliceAddress(0));
        NativeMemory.putInt(entry + 8, size);
        NativeMemory.putShort(entry + 12, (short) bid);
        tail++;
        dirty = true;
    }

    /** Makes the buffers given back since the last call visible to the kernel (once per batch). */
    public void publish() {
        if (missing > 0 && !closed) {
            refill();
        }
        if (dirty) {
            dirty = false;
            // The tail is the u16 at offset 14, sharing an aligned int with entry 0's bid (offset 12):
            // one release store of that int publishes the tail after every entry written before it.
            int bid0 = NativeMemory.getShort(base + 12) & 0xffff;
            INT.setRelease(view, 12, (tail << 16) | bid0);
        }
    }

    /**
     * The {@code length} bytes a receive put in buffer {@code bid}, as a segment the caller owns; the
     * slot gets a buffer back (publish with {@link #publish}). Never throws for want of memory: when
     * the pool has none (its {@code maxMemory} reached) the received buffer itself is handed over and
     * its slot stays empty until {@link #publish} finds memory again (until then the kernel has fewer
     * buffers, and a receive may end with {@code ENOBUFS}, which the receiver retries).
     */
    public Segment take(int bid, int length, int cqeFlags) {
        Segment buffer = buffers[bid];
        if (consumed != null) {
            int at = consumed[bid];
            Segment data = buffer.slice(at, length);
            if ((cqeFlags & CQE_F_BUF_MORE) != 0) {
                consumed[bid] = at + length; // the kernel keeps the buffer and fills on after it
            } else {
                consumed[bid] = 0; // finished: the slot lets go of it, the slices keep it alive
                replace(bid, buffer);
            }
            return data;
        }
        if (length < COPY_BELOW) {
            Segment copy = tryAllocate(length);
            if (copy != null) {
                NativeMemory.copy(buffer.sliceAddress(0), copy.sliceAddress(0), length);
                copies++;
                provide(bid, buffer);
                return copy;
            }
        }
        Segment data = buffer.slice(0, length);
        replace(bid, buffer);
        return data;
    }

    /** Slot {@code bid} lets go of {@code buffer} (its slices keep it) and gets a fresh one if the pool has memory. */
    private void replace(int bid, Segment buffer) {
        Segment replacement = tryAllocate(size);
        // The slot lets go of the buffer before anything else can fail: a close later must not
        // release it a second time.
        buffers[bid] = null;
        buffer.release();
        handedOver++;
        if (replacement != null) {
            provide(bid, replacement);
        } else {
            missing++;
        }
    }

    /** A pooled segment, or null when the pool is out of memory (the caller degrades, never fails). */
    private Segment tryAllocate(int length) {
        try {
            return allocator.allocate(length);
        } catch (OutOfMemoryError e) {
            return null; // BufferPool's maxMemory: the pool throws an Error, a receive must not
        }
    }

    /** Receives copied into an exact-size segment (whole-buffer mode only). Tests, metrics. */
    public long copies() {
        return copies;
    }

    /** Buffers the slots gave up to the application (each its slices' now). Tests, metrics. */
    public long handedOver() {
        return handedOver;
    }

    /** Slots whose buffer was handed over with no replacement yet; refilled by {@link #publish}. */
    public int missing() {
        return missing;
    }

    /** Gives empty slots a buffer while the pool has memory. */
    private void refill() {
        for (int bid = 0; bid < entries && missing > 0; bid++) {
            if (buffers[bid] == null) {
                Segment b = tryAllocate(size);
                if (b == null) {
                    return;
                }
                provide(bid, b);
                missing--;
            }
        }
    }

    /** Unregisters the group and releases every buffer (the ring's close). */
    void close() {
        if (!closed) {
            closed = true;
            RingRegister.unregisterBufferRing(ring.fd(), GROUP);
            for (int i = 0; i < entries; i++) {
                if (buffers[i] != null) {
                    buffers[i].release();
                    buffers[i] = null;
                }
            }
            NativeMemory.free(raw);
        }
    }
}
