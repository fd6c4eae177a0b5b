package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.ByteBufferViews;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The sending side of a {@link RecordCodec}: records built straight into pooled segments, or
 * through a scratch buffer when pool buffers are smaller than a record or the engine is the JDK's.
 * Loop-confined.
 *
 * <p>The JDK's engine copies the plaintext into the record buffer and encrypts it there; its
 * AES-GCM runs its fastest intrinsic only over heap arrays (over direct memory it hashes and
 * encrypts in separate, slower passes). So its records are built in a heap scratch buffer and
 * copied into an exact-size pooled segment: one more copy, ~15-20 % less CPU per byte in bulk
 * (docs/benchmarks.md, 2026-12-07). Conscrypt works on direct memory natively and builds in place.
 */
final class RecordSealer {
    private static final ByteBuffer[] NOTHING = new ByteBuffer[0];
    private final SSLEngine engine;
    private final SegmentAllocator allocator;
    private final int packetSize;
    /** Whether records are built in pooled segments (else in {@link #scratch}). */
    private final boolean direct;
    /** Whether {@link #scratch} is a heap buffer (the JDK's engine: see the class comment). */
    private final boolean heapScratch;
    /** Reused views of the segments records are built in. */
    private final ByteBufferViews destinations;
    /** Where records are built when a pool buffer is too small for one. */
    private ByteBuffer scratch;
    /** A wrap's result said NEED_WRAP: a message (KeyUpdate, a ticket) is still to be sent. */
    private boolean needWrap;

    RecordSealer(SSLEngine engine, SegmentAllocator allocator, int packetSize, boolean heapScratch) {
        this.engine = engine;
        this.allocator = allocator;
        this.packetSize = packetSize;
        this.heapScratch = heapScratch;
        this.direct = !heapScratch && allocator.pool().config().bufferSize() >= packetSize;
        this.destinations = new ByteBufferViews(allocator.pool());
    }

    /** Whether a wrap since the last call said NEED_WRAP; clears the note. */
    boolean takeNeedWrap() {
        boolean b = needWrap;
        needWrap = false;
        return b;
    }

    /**
     * Wraps {@code src} (null: a handshake or alert message) into records appended to {@code out};
     * returns the bytes produced.
     */
    int wrap(ByteBuffer[] src, ArrayDeque<Segment> out) throws SSLException {
        ByteBuffer[] in = src != null ? src : NOTHING;
        int total = 0;
        boolean oversized = false;
        do {
            // After an overflow, one call into a buffer of two records (see below).
            boolean inPool = direct && !oversized;
            Segment seg = inPool ? allocator.allocate(packetSize) : null;
            ByteBuffer dst = inPool ? destinations.of(seg, 0) : scratch(oversized ? 2 * packetSize : packetSize);
            SSLEngineResult r;
            try {
                r = engine.wrap(in, dst);
            } catch (SSLException | RuntimeException e) {
                if (seg != null) {
                    seg.release();
                }
                throw e;
            }
            int n = r.bytesProduced();
            needWrap |= r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
            if (n > 0) {
                Segment record;
                if (inPool) {
                    record = seg.slice(0, n);
                } else if (heapScratch) {
                    record = allocator.allocate(n);
                    record.setBytes(0, dst.array(), dst.arrayOffset(), n);
                } else {
                    record = allocator.allocate(n);
                    dst.flip();
                    for (ByteBuffer b : destinations.of(record)) {
                        ByteBuffer part = dst.slice().limit(b.remaining());
                        b.put(part);
                        dst.position(dst.position() + part.limit());
                    }
                }
                out.add(record);
                total += n;
            }
            if (seg != null) {
                seg.release();
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED && n == 0) {
                if (src != null && hasRemaining(in)) {
                    // Conscrypt closes its outbound side when the peer's close_notify arrives (no
                    // half-close): what is left cannot be sent, and must not vanish silently.
                    throw new SSLException("the TLS engine closed its sending side (the peer sent close_notify): "
                            + "plaintext not sent");
                }
                return total;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                // Conscrypt with session tickets: a pending NewSessionTicket goes out in front of a
                // full record of plaintext, more than one packet buffer. Try again with room for two.
                if (n == 0 && oversized) {
                    throw new SSLException("wrap: BUFFER_OVERFLOW with " + 2 * packetSize + " bytes of room");
                }
                oversized = n == 0;
            } else if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
                throw new SSLException("wrap: " + r.getStatus());
            } else {
                oversized = false;
            }
        } while (oversized || src != null && hasRemaining(in));
        return total;
    }

    private ByteBuffer scratch(int size) {
        if (scratch == null || scratch.capacity() < size) {
            scratch = heapScratch ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
        }
        return scratch.clear().limit(size);
    }

    private static boolean hasRemaining(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
