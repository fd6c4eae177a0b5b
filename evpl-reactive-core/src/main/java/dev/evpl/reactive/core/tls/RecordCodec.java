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
 * The record layer of one {@link EngineBind}: ciphertext in (one pending inner segment: records
 * whole inside one of its slices are unwrapped in place, the rest copied into a buffer of two
 * records as room allows) and out (records built straight into pooled
 * segments, or through a scratch buffer when pool buffers are smaller than a record). Decrypted
 * bytes land in pooled segments. Loop-confined.
 */
final class RecordCodec {
    /** What an unwrap did. */
    enum Unwrapped {
        /** A record was consumed (decrypted bytes, a handshake message, a ticket). */
        PROGRESS,
        /** The record is incomplete: more ciphertext is needed. */
        NEED_INPUT,
        /** The peer's close_notify arrived. */
        CLOSED
    }

    private static final ByteBuffer[] NOTHING = new ByteBuffer[0];

    private final SSLEngine engine;
    /** Whether a pool buffer holds a whole record (else records are built in {@link #scratch}). */
    private final boolean direct;
    private final SegmentAllocator allocator;
    private final int packetSize;
    private final int appSize;
    /** The last unwrap may have left data inside the engine: ask it again before asking for input. */
    private boolean plainMayBeBuffered;
    /** Whether the engine buffers received ciphertext itself (every engine but the JDK's). */
    private final boolean keepsInput;
    /** Ciphertext received and not yet unwrapped; read mode between calls. */
    private final ByteBuffer netIn;
    /** Where records are built when a pool buffer is too small for one. */
    private ByteBuffer scratch;
    private Segment pendingIn;
    /** Reused views: of plaintext and received ciphertext (sources), of segments written into (destinations). */
    private final ByteBufferViews sources;
    private final ByteBufferViews destinations;
    private int pendingInOffset;
    /** Unwraps that consumed ciphertext in place and from the copy (loop; for tests and diagnostics). */
    long unwrapsInPlace;
    long unwrapsFromCopy;

    RecordCodec(SSLEngine engine, SegmentAllocator allocator) {
        this.engine = engine;
        this.allocator = allocator;
        this.packetSize = engine.getSession().getPacketBufferSize();
        this.appSize = engine.getSession().getApplicationBufferSize();
        this.netIn = ByteBuffer.allocateDirect(packetSize * 2).flip();
        this.direct = allocator.pool().config().bufferSize() >= packetSize;
        this.sources = new ByteBufferViews(allocator.pool());
        this.destinations = new ByteBufferViews(allocator.pool());
        this.keepsInput = !engine.getClass().getName().startsWith("sun.security.ssl.");
    }

    /** Takes an inner segment of ciphertext (only when {@link #wantsInput()}). */
    void offer(Segment ciphertext) {
        pendingIn = ciphertext;
        pendingInOffset = 0;
    }

    /** Whether no inner segment is pending (one more may be asked for). */
    boolean wantsInput() {
        return pendingIn == null;
    }

    /** Whether any received ciphertext is not unwrapped yet (here, or possibly inside the engine). */
    boolean hasInput() {
        return pendingIn != null || netIn.hasRemaining() || plainMayBeBuffered;
    }

    /** Releases the pending inner segment. */
    void release() {
        if (pendingIn != null) {
            pendingIn.release();
            pendingIn = null;
        }
    }

    /** One unwrap; decrypted bytes go to {@code plain}. */
    Unwrapped unwrap(ArrayDeque<Segment> plain) throws SSLException {
        boolean copy = false;
        for (;;) {
            ByteBuffer src = copy ? null : inPlace();
            if (src == null) {
                topUp();
                src = netIn;
            }
            if (!src.hasRemaining() && !engine.isInboundDone() && !plainMayBeBuffered) {
                return Unwrapped.NEED_INPUT;
            }
            Segment out = allocator.allocate(appSize);
            SSLEngineResult r;
            ByteBuffer[] dsts = destinations.of(out);
            try {
                r = engine.unwrap(src, dsts);
            } catch (SSLException | RuntimeException e) {
                out.release();
                throw e;
            }
            if (src == netIn) {
                unwrapsFromCopy += r.bytesConsumed() > 0 ? 1 : 0;
            } else {
                unwrapsInPlace += r.bytesConsumed() > 0 ? 1 : 0;
                consumedInPlace(r.bytesConsumed());
                // An engine that took nothing from a whole record will not from a copy either; but
                // after an underflow in place (a record header it reads differently) go by the copy.
                copy = r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW;
            }
            int produced = r.bytesProduced();
            // An engine that keeps data of its own (Conscrypt: ciphertext taken into its BIO beyond
            // the record it decrypted, plaintext beyond the end of one of several destination
            // buffers) must be called again, even without new ciphertext, until it does nothing.
            // The JDK's engine keeps nothing: it is only asked again for split destinations.
            boolean hadBuffered = plainMayBeBuffered;
            plainMayBeBuffered = (produced > 0 && dsts.length > 1)
                    || (keepsInput && (produced > 0 || r.bytesConsumed() > 0));
            if (hadBuffered && produced == 0 && r.bytesConsumed() == 0 && r.getStatus() != SSLEngineResult.Status.CLOSED) {
                out.release();
                SSLEngineResult.HandshakeStatus hs = r.getHandshakeStatus();
                // nothing came out; unless the handshake moved on (the call ran a step on what the
                // engine held), new ciphertext is needed
                boolean stuck = hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                        || hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
                if (stuck && !netIn.hasRemaining() && pendingIn == null) {
                    return Unwrapped.NEED_INPUT;
                }
                if (!stuck) {
                    return Unwrapped.PROGRESS;
                }
                continue;
            }
            if (produced > 0) {
                plain.add(out.slice(0, produced));
            }
            out.release();
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    if (pendingIn != null) {
                        continue; // room was made: copy more and try again
                    }
                    return Unwrapped.NEED_INPUT;
                }
                case BUFFER_OVERFLOW -> throw new SSLException("record larger than the application buffer " + appSize);
                case CLOSED -> {
                    if (engine.isInboundDone()) {
                        return Unwrapped.CLOSED; // the peer's close_notify
                    }
                    // Conscrypt says CLOSED as soon as our side sent close_notify, though the peer
                    // may still send (a half-close): only the inbound side decides the end.
                    if (r.bytesConsumed() > 0 || produced > 0) {
                        return Unwrapped.PROGRESS;
                    }
                    if (pendingIn != null) {
                        continue;
                    }
                    return Unwrapped.NEED_INPUT;
                }
                default -> {
                    return Unwrapped.PROGRESS;
                }
            }
        }
    }

    /**
     * A view of the pending segment from where it was read to the end of that slice, when nothing
     * waits in {@link #netIn} and the view starts with a whole record (5-byte header and its length):
     * the engine then decrypts straight from the received memory, without the copy into netIn.
     * Null otherwise (a record split across reads or slices goes through the copy).
     */
    private ByteBuffer inPlace() {
        Segment in = pendingIn;
        if (in == null || netIn.hasRemaining()) {
            return null;
        }
        for (int k = 0, start = 0, n = in.sliceCount(); k < n; k++) {
            int length = in.sliceLength(k);
            int from = pendingInOffset - start;
            if (from < length) {
                int available = length - from;
                if (available < 5 || 5 + in.getUnsignedShort(pendingInOffset + 3) > available) {
                    return null;
                }
                return sources.of(in, k, from, available);
            }
            start += length;
        }
        return null;
    }

    /** {@code n} bytes of the pending segment were unwrapped in place. */
    private void consumedInPlace(int n) {
        pendingInOffset += n;
        if (pendingInOffset == pendingIn.readableBytes()) {
            pendingIn.release();
            pendingIn = null;
        }
    }

    /** Moves bytes of the pending inner segment into {@link #netIn} while there is room. */
    private void topUp() {
        if (pendingIn == null) {
            return;
        }
        netIn.compact();
        int n = Math.min(netIn.remaining(), pendingIn.readableBytes() - pendingInOffset);
        // Copy n bytes from pendingInOffset, slice by slice (no sub-segment, no view object).
        for (int k = 0, start = 0, left = n; left > 0; k++) {
            int length = pendingIn.sliceLength(k);
            int from = pendingInOffset - start;
            start += length;
            if (from >= length) {
                continue;
            }
            int take = Math.min(length - from, left);
            netIn.put(sources.of(pendingIn, k, from, take));
            pendingInOffset += take;
            left -= take;
        }
        netIn.flip();
        if (pendingInOffset == pendingIn.readableBytes()) {
            pendingIn.release();
            pendingIn = null;
        }
    }

    /** Wraps the plaintext of {@code plain} into records appended to {@code out}; returns the bytes produced. */
    int wrap(Segment plain, ArrayDeque<Segment> out) throws SSLException {
        return wrap(sources.of(plain), out);
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
            if (n > 0) {
                Segment record;
                if (inPool) {
                    record = seg.slice(0, n);
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
            scratch = ByteBuffer.allocateDirect(size);
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
