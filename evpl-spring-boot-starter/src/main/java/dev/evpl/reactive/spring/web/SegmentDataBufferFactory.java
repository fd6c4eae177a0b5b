package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SharedAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Spring's buffer factory for evpl exchanges: {@link #allocateBuffer(int)} returns a
 * {@link SegmentDataBuffer} in pooled off-heap memory, so what an encoder writes is sent to the
 * socket without a copy; {@link #wrap} wraps the caller's memory as Spring's own buffers (no copy
 * either; the send copies them once into a segment).
 *
 * <p>Memory comes from the calling event loop's allocator; a thread that is not an event loop (a
 * {@code boundedElastic} worker, a virtual thread, a test thread) allocates from the pool's
 * {@link SharedAllocator} (no buffer pinned per thread). Thread-safe: one shared instance serves
 * every thread.
 */
public final class SegmentDataBufferFactory implements org.springframework.core.io.buffer.DataBufferFactory {
    /** The shared instance. */
    public static final SegmentDataBufferFactory INSTANCE = new SegmentDataBufferFactory();

    private static final int DEFAULT_CAPACITY = 256;

    private SegmentDataBufferFactory() {
    }

    @Override
    @Deprecated
    public DataBuffer allocateBuffer() {
        return allocateBuffer(DEFAULT_CAPACITY);
    }

    @Override
    public DataBuffer allocateBuffer(int initialCapacity) {
        return new SegmentDataBuffer(this, allocateSegment(initialCapacity), 0);
    }

    /** Wraps a segment the caller owns (the buffer takes its reference); all its bytes are readable. */
    public SegmentDataBuffer wrap(Segment segment) {
        return new SegmentDataBuffer(this, segment, segment.readableBytes());
    }

    @Override
    public DataBuffer wrap(ByteBuffer byteBuffer) {
        return DefaultDataBufferFactory.sharedInstance.wrap(byteBuffer);
    }

    @Override
    public DataBuffer wrap(byte[] bytes) {
        return DefaultDataBufferFactory.sharedInstance.wrap(bytes);
    }

    @Override
    public DataBuffer join(List<? extends DataBuffer> buffers) {
        if (buffers.size() == 1) {
            return buffers.get(0);
        }
        List<Segment> parts = new ArrayList<>(buffers.size());
        int total = 0;
        for (DataBuffer b : buffers) {
            Segment s = toSegment(b);
            if (s.readableBytes() == 0) {
                s.release();
                continue;
            }
            total += s.readableBytes();
            parts.add(s);
        }
        Segment joined = parts.isEmpty() ? allocateSegment(0) : Segment.composite(parts);
        return new SegmentDataBuffer(this, joined, total);
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    /** A pooled segment of {@code length} bytes: the calling loop's allocator, or the shared one off the loops. */
    Segment allocateSegment(int length) {
        EventLoop loop = EventLoop.current();
        if (loop != null && loop.inLoop()) {
            return loop.allocator().allocate(length);
        }
        return SharedAllocator.global().allocate(length);
    }

    /**
     * The readable bytes of {@code buffer} as a segment the caller owns; {@code buffer} is consumed
     * (released or handed over). A {@link SegmentDataBuffer} gives its memory without a copy; any
     * other buffer is copied once into pooled memory.
     */
    public Segment toSegment(DataBuffer buffer) {
        if (buffer instanceof SegmentDataBuffer sdb) {
            return sdb.takeReadable();
        }
        try {
            Segment s = allocateSegment(buffer.readableByteCount());
            int at = 0;
            try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
                while (it.hasNext()) {
                    ByteBuffer b = it.next();
                    int n = b.remaining();
                    SegmentCopy.copy(b, s, at);
                    at += n;
                }
            }
            return s;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
