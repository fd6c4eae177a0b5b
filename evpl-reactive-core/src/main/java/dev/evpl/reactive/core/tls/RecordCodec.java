package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.ByteBufferViews;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The record layer of one {@link EngineBind}: ciphertext in and out. In: with an engine that unwraps
 * from several buffers (Conscrypt), the received segments are held until they contain the next
 * record, which is unwrapped from views of them, wherever reads cut it; with the JDK's engine (one
 * source buffer), one pending inner segment: records whole inside one of its slices are unwrapped
 * in place, the rest copied into a buffer of two records as room allows. Out: {@link RecordSealer}.
 * Decrypted bytes land in pooled segments. Loop-confined.
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

    /** The largest record any TLS version allows: header and 2^14 + 2048 bytes (RFC 5246, 6.2.3). */
    private static final int MAX_RECORD = 5 + (1 << 14) + 2048;

    private final SSLEngine engine;
    /** The sending side: records built from plaintext. */
    private final RecordSealer sealer;
    private final SegmentAllocator allocator;
    private final int packetSize;
    private final int appSize;
    /** The last unwrap may have left data inside the engine: ask it again before asking for input. */
    private boolean plainMayBeBuffered;
    /**
     * The engine's {@code isInboundDone()}, asked only after an unwrap that produced no plaintext
     * (close_notify is such a record): each ask takes the engine's lock, and the data path of every
     * request would ask several times.
     */
    private boolean inboundDone;
    /** A result said NEED_WRAP (a post-handshake message to send): {@link #takeMayNeedWrap}. */
    private boolean mayNeedWrap;
    /** Whether the engine buffers received ciphertext itself (every engine but the JDK's). */
    private final boolean keepsInput;
    /**
     * Ciphertext received and not yet unwrapped; read mode between calls. {@link #NO_COPY} until a
     * record is first cut by a read (most small-record connections never need the copy, and a
     * gathering engine never does): the 2 × packet-size buffer is made then.
     */
    private ByteBuffer netIn = NO_COPY;
    /** Empty, never written: {@link #netIn} before the first copy. */
    private static final ByteBuffer NO_COPY = ByteBuffer.allocateDirect(0);
    private Segment pendingIn;
    /**
     * {@code Conscrypt.unwrap(SSLEngine, ByteBuffer[], ByteBuffer[])} for Conscrypt's engine, else
     * null (and received ciphertext goes through {@link #pendingIn} and {@link #netIn}).
     */
    private final MethodHandle gather;
    /** With {@link #gather}: received segments not unwrapped yet, oldest first; {@link #pendingInOffset} is into the first. */
    private Segment[] held = new Segment[4];
    private int heldCount;
    /** Bytes of {@link #held} from {@link #pendingInOffset} on. */
    private int heldBytes;
    /** Reused views: of plaintext and received ciphertext (sources), of segments written into (destinations). */
    private final ByteBufferViews sources;
    private final ByteBufferViews destinations;
    private int pendingInOffset;
    /** Unwraps that consumed ciphertext in place and from the copy (loop; for tests and diagnostics). */
    long unwrapsInPlace;
    long unwrapsFromCopy;
    /** Of the unwraps in place, those whose record spanned more than one received segment (gathering). */
    long unwrapsAcrossReads;

    RecordCodec(SSLEngine engine, SegmentAllocator allocator) {
        this.engine = engine;
        this.allocator = allocator;
        this.packetSize = engine.getSession().getPacketBufferSize();
        this.appSize = engine.getSession().getApplicationBufferSize();
        boolean jdkEngine = engine.getClass().getName().startsWith("sun.security.ssl.");
        this.sealer = new RecordSealer(engine, allocator, packetSize, jdkEngine);
        this.sources = new ByteBufferViews(allocator.pool());
        this.destinations = new ByteBufferViews(allocator.pool());
        this.keepsInput = !jdkEngine;
        this.gather = Conscrypt.gatherUnwrap(engine);
    }

    /** Takes an inner segment of ciphertext (only when {@link #wantsInput()}). */
    void offer(Segment ciphertext) {
        if (gather == null) {
            pendingIn = ciphertext;
            pendingInOffset = 0;
            return;
        }
        if (heldCount == held.length) {
            held = java.util.Arrays.copyOf(held, heldCount * 2);
        }
        held[heldCount++] = ciphertext;
        heldBytes += ciphertext.readableBytes();
    }

    /**
     * Whether one more inner segment may be asked for: none is pending, or (gathering) what is held
     * does not contain the next record yet. So at most one record and one segment are held.
     */
    boolean wantsInput() {
        return gather == null ? pendingIn == null : heldCount == 0 || missing() > 0;
    }

    /**
     * Whether an unwrap can make progress without more ciphertext: received bytes to go through,
     * or data possibly inside the engine. A record cut short by the end of the stream is not input.
     */
    boolean hasInput() {
        if (plainMayBeBuffered) {
            return true;
        }
        return gather == null ? pendingIn != null || wholeRecordInCopy() : heldCount > 0 && missing() == 0;
    }

    /** Whether {@link #netIn} holds a whole record, or bytes that are not one (the engine must judge them). */
    private boolean wholeRecordInCopy() {
        int n = netIn.remaining();
        if (n < 5) {
            return false;
        }
        int at = netIn.position();
        int length = recordLength(netIn.get(at) & 0xff, netIn.get(at + 1) & 0xff, netIn.get(at + 3) & 0xff, netIn.get(at + 4) & 0xff);
        return length <= n;
    }

    /**
     * The length (header included) a record header announces, from its type, major version and
     * length bytes; 0 when those are not a TLS record's (the engine must judge the bytes).
     */
    private static int recordLength(int type, int major, int lengthHigh, int lengthLow) {
        return type < 20 || type > 24 || major != 3 ? 0 : 5 + (lengthHigh << 8 | lengthLow);
    }

    /** Gathering: {@link #recordLength} of the first held record (at least 5 bytes held). */
    private int heldRecordLength() {
        return recordLength(heldByte(0), heldByte(1), heldByte(3), heldByte(4));
    }

    /**
     * Releases the ciphertext held. The bind is done with the engine: an engine with native state
     * (Conscrypt frees its {@code SSL} once both directions are closed) is told the inbound side is
     * over now, not at its finalization; the JDK's holds no native memory, and its
     * {@code closeInbound} before the peer's close_notify would invalidate the session.
     */
    void release() {
        if (keepsInput) {
            engine.closeOutbound();
            try {
                engine.closeInbound();
                // It frees it only once its queued close_notify was wrapped out, too: drained and
                // dropped here (the bind is closed; an abrupt end never sent it).
                for (int i = 0; i < 2 && !engine.isOutboundDone(); i++) {
                    Segment drain = allocator.allocate(packetSize);
                    try {
                        engine.wrap(NO_COPY, destinations.of(drain)[0]);
                    } finally {
                        drain.release();
                    }
                }
            } catch (SSLException | RuntimeException ignored) {
                // a truncation (already reported by the bind, or the bind's own close)
            }
        }
        if (pendingIn != null) {
            pendingIn.release();
            pendingIn = null;
        }
        while (heldCount > 0) {
            held[--heldCount].release();
            held[heldCount] = null;
        }
        heldBytes = 0;
    }

    /** One unwrap; decrypted bytes go to {@code plain}. */
    Unwrapped unwrap(ArrayDeque<Segment> plain) throws SSLException {
        boolean copy = false;
        for (;;) {
            ByteBuffer src = null;
            int record = 0;
            if (gather != null) {
                record = heldRecord();
                if (record == 0 && !inboundDone && !plainMayBeBuffered) {
                    return Unwrapped.NEED_INPUT;
                }
            } else {
                src = copy ? null : inPlace();
                if (src == null) {
                    topUp();
                    src = netIn;
                }
                if (!src.hasRemaining() && !inboundDone && !plainMayBeBuffered) {
                    return Unwrapped.NEED_INPUT;
                }
            }
            Segment out = allocator.allocate(appSize);
            SSLEngineResult r;
            ByteBuffer[] dsts = destinations.of(out);
            try {
                r = src != null ? engine.unwrap(src, dsts) : gatherUnwrap(record, dsts);
            } catch (SSLException | RuntimeException e) {
                out.release();
                throw e;
            }
            if (src == null) {
                unwrapsInPlace += r.bytesConsumed() > 0 ? 1 : 0;
                consumedHeld(r.bytesConsumed());
            } else if (src == netIn) {
                unwrapsFromCopy += r.bytesConsumed() > 0 ? 1 : 0;
            } else {
                unwrapsInPlace += r.bytesConsumed() > 0 ? 1 : 0;
                consumedInPlace(r.bytesConsumed());
                // An engine that took nothing from a whole record will not from a copy either; but
                // after an underflow in place (a record header it reads differently) go by the copy.
                copy = r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW;
            }
            int produced = r.bytesProduced();
            noteResult(r, produced == 0 || r.getStatus() == SSLEngineResult.Status.CLOSED);
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
                if (stuck && !moreHere()) {
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
                    if (pendingIn != null && gather == null) {
                        continue; // room was made: copy more and try again
                    }
                    return Unwrapped.NEED_INPUT;
                }
                case BUFFER_OVERFLOW -> throw new SSLException("record larger than the application buffer " + appSize);
                case CLOSED -> {
                    if (inboundDone) {
                        return Unwrapped.CLOSED; // the peer's close_notify
                    }
                    // Conscrypt says CLOSED as soon as our side sent close_notify, though the peer
                    // may still send (a half-close): only the inbound side decides the end.
                    if (r.bytesConsumed() > 0 || produced > 0) {
                        return Unwrapped.PROGRESS;
                    }
                    if (pendingIn != null && gather == null) {
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

    /** Whether received ciphertext waits here (gathering: a whole record, or bytes the engine must judge). */
    private boolean moreHere() {
        return gather == null ? netIn.hasRemaining() || pendingIn != null : heldCount > 0 && missing() == 0;
    }

    /**
     * Gathering: the bytes the first held record still lacks; 0 when it is whole, or when its header
     * is not a TLS record's (the engine rejects it at once rather than after more input).
     */
    private int missing() {
        if (heldBytes < 5) {
            return 5 - heldBytes;
        }
        int length = heldRecordLength();
        return length > MAX_RECORD ? 0 : Math.max(0, length - heldBytes);
    }

    /**
     * Gathering: how many held bytes make the next unwrap's source (the first record, or all held
     * bytes when they are not a record); 0 when the record is incomplete.
     * @throws SSLException when a record header announces more than any TLS record may hold
     */
    private int heldRecord() throws SSLException {
        if (heldCount == 0 || missing() > 0) {
            return 0;
        }
        int length = heldRecordLength();
        if (length == 0) {
            return heldBytes;
        }
        if (length > MAX_RECORD) {
            throw new SSLException("TLS record header announces " + (length - 5) + " bytes, more than any TLS record holds ("
                    + (MAX_RECORD - 5) + ")");
        }
        return length;
    }

    /** Gathering: the unsigned byte {@code i} bytes past {@link #pendingInOffset} in the held segments. */
    private int heldByte(int i) {
        int at = pendingInOffset + i;
        for (int k = 0; k < heldCount; k++) {
            int n = held[k].readableBytes();
            if (at < n) {
                return held[k].getByte(at) & 0xff;
            }
            at -= n;
        }
        throw new IndexOutOfBoundsException("byte " + i + " of " + heldBytes + " held");
    }

    /** Gathering: one unwrap from views of the first {@code length} held bytes (none: what the engine keeps). */
    private SSLEngineResult gatherUnwrap(int length, ByteBuffer[] dsts) throws SSLException {
        sources.clear();
        int skip = pendingInOffset;
        if (length > 0 && length > held[0].readableBytes() - pendingInOffset) {
            unwrapsAcrossReads++;
        }
        for (int k = 0; k < heldCount && length > 0; k++) {
            Segment seg = held[k];
            for (int i = 0, n = seg.sliceCount(); i < n && length > 0; i++) {
                int sliceLength = seg.sliceLength(i);
                if (skip >= sliceLength) {
                    skip -= sliceLength;
                    continue;
                }
                int take = Math.min(sliceLength - skip, length);
                sources.add(seg, i, skip, take);
                skip = 0;
                length -= take;
            }
        }
        try {
            return (SSLEngineResult) gather.invokeExact(engine, sources.gathered(), dsts);
        } catch (SSLException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SSLException("Conscrypt unwrap: " + t, t);
        }
    }

    /** Gathering: {@code n} held bytes were unwrapped; segments wholly consumed are released. */
    private void consumedHeld(int n) {
        heldBytes -= n;
        pendingInOffset += n;
        int done = 0;
        while (done < heldCount && pendingInOffset >= held[done].readableBytes()) {
            pendingInOffset -= held[done].readableBytes();
            held[done++].release();
        }
        if (done > 0) {
            System.arraycopy(held, done, held, 0, heldCount - done);
            java.util.Arrays.fill(held, heldCount - done, heldCount, null);
            heldCount -= done;
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
        if (netIn == NO_COPY) {
            // The JDK's engine decrypts in place in its source; its AES-GCM is fastest over a heap
            // array (the whole-array intrinsic; direct memory takes a slower path), so its copy
            // buffer is on the heap: the copy is made anyway (docs/benchmarks.md, 2026-12-07).
            netIn = (keepsInput ? ByteBuffer.allocateDirect(packetSize * 2) : ByteBuffer.allocate(packetSize * 2)).flip();
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
        return sealer.wrap(sources.of(plain), out);
    }

    /** Wraps {@code src} (null: a handshake or alert message) into records appended to {@code out}; returns the bytes produced. */
    int wrap(ByteBuffer[] src, ArrayDeque<Segment> out) throws SSLException {
        return sealer.wrap(src, out);
    }

    private void noteResult(SSLEngineResult r, boolean askInbound) {
        mayNeedWrap |= r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
        if (askInbound && !inboundDone) {
            inboundDone = engine.isInboundDone();
        }
    }

    /** Whether the peer's close_notify was unwrapped (the engine's inbound side is done). */
    boolean inboundDone() {
        return inboundDone;
    }

    /** Whether a result (of an unwrap or a wrap) since the last call said NEED_WRAP; clears the note. */
    boolean takeMayNeedWrap() {
        boolean b = mayNeedWrap | sealer.takeNeedWrap();
        mayNeedWrap = false;
        return b;
    }


}
