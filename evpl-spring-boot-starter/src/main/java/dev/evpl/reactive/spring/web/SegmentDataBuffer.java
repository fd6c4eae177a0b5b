package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.buffer.Segment;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.NoSuchElementException;
import java.util.function.IntPredicate;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.PooledDataBuffer;

/**
 * A Spring {@link DataBuffer} over a pooled evpl {@link Segment}, without copying: request bodies
 * reach WebFlux as these, and buffers WebFlux allocates from a {@link SegmentDataBufferFactory} on an
 * event loop are these, so the response goes to the socket without a copy. Reference counting is
 * the segment's: {@link #release()} releases it, {@link #retain()} retains it.
 *
 * <p>Capacity is the segment's length; growing ({@link #ensureWritable}) moves the content into a
 * bigger segment from the factory. Not thread-safe (as Spring's buffers): one thread at a time.
 */
public final class SegmentDataBuffer implements PooledDataBuffer {
    private final SegmentDataBufferFactory factory;
    private Segment segment;
    /** Set by the last {@link #release()}; volatile: a buffer may be released on another thread than it was used. */
    private volatile boolean released;
    private int readPosition;
    private int writePosition;

    /** Wraps {@code segment} (taking over its reference); readable bytes are {@code [0, writePosition)}. */
    SegmentDataBuffer(SegmentDataBufferFactory factory, Segment segment, int writePosition) {
        this.factory = factory;
        this.segment = segment;
        this.writePosition = writePosition;
    }

    /**
     * The readable bytes as a segment the caller owns; this buffer gives up its reference (do not
     * release it afterwards). No copy: the whole segment when nothing around the readable bytes is
     * unused, else a slice of it.
     */
    public Segment takeReadable() {
        Segment s = segment;
        int n = writePosition - readPosition;
        if (readPosition == 0 && n == s.readableBytes()) {
            segment = null;
            return s;
        }
        Segment slice = s.slice(readPosition, n);
        segment = null;
        s.release();
        return slice;
    }

    @Override
    public DataBufferFactory factory() {
        return factory;
    }

    @Override
    public int indexOf(IntPredicate predicate, int fromIndex) {
        Segment s = live();
        for (int i = Math.max(fromIndex, 0); i < writePosition; i++) {
            if (predicate.test(s.getByte(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int lastIndexOf(IntPredicate predicate, int fromIndex) {
        Segment s = live();
        for (int i = Math.min(fromIndex, writePosition - 1); i >= 0; i--) {
            if (predicate.test(s.getByte(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int readableByteCount() {
        return writePosition - readPosition;
    }

    @Override
    public int writableByteCount() {
        return capacity() - writePosition;
    }

    @Override
    public int capacity() {
        return live().readableBytes();
    }

    @Override
    @Deprecated
    public DataBuffer capacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        if (capacity != capacity()) {
            moveTo(capacity);
        }
        return this;
    }

    @Override
    public DataBuffer ensureWritable(int length) {
        if (length > writableByteCount()) {
            moveTo(Math.max(writePosition + length, Math.min(Integer.MAX_VALUE - 8, capacity() * 2)));
        }
        return this;
    }

    /** Copies the content into a new segment of {@code capacity} bytes (positions clamped to it). */
    private void moveTo(int capacity) {
        Segment old = live();
        Segment bigger = factory.allocateSegment(capacity);
        int keep = Math.min(writePosition, capacity);
        SegmentCopy.copy(old, 0, bigger, 0, keep);
        segment = bigger;
        old.release();
        writePosition = keep;
        readPosition = Math.min(readPosition, keep);
    }

    @Override
    public int readPosition() {
        return readPosition;
    }

    @Override
    public DataBuffer readPosition(int readPosition) {
        if (readPosition < 0 || readPosition > writePosition) {
            throw new IndexOutOfBoundsException("readPosition " + readPosition + " outside [0, " + writePosition + "]");
        }
        this.readPosition = readPosition;
        return this;
    }

    @Override
    public int writePosition() {
        return writePosition;
    }

    @Override
    public DataBuffer writePosition(int writePosition) {
        if (writePosition < readPosition || writePosition > capacity()) {
            throw new IndexOutOfBoundsException("writePosition " + writePosition + " outside [" + readPosition + ", "
                    + capacity() + "]");
        }
        this.writePosition = writePosition;
        return this;
    }

    @Override
    public byte getByte(int index) {
        checkIndex(index, 1);
        return live().getByte(index);
    }

    @Override
    public byte read() {
        if (readPosition >= writePosition) {
            throw new IndexOutOfBoundsException("no readable byte (readPosition " + readPosition + ")");
        }
        return live().getByte(readPosition++);
    }

    @Override
    public DataBuffer read(byte[] destination) {
        return read(destination, 0, destination.length);
    }

    @Override
    public DataBuffer read(byte[] destination, int offset, int length) {
        if (length > readableByteCount()) {
            throw new IndexOutOfBoundsException("read of " + length + " bytes with " + readableByteCount() + " readable");
        }
        live().getBytes(readPosition, destination, offset, length);
        readPosition += length;
        return this;
    }

    @Override
    public DataBuffer write(byte b) {
        ensureWritable(1);
        live().setByte(writePosition++, b);
        return this;
    }

    @Override
    public DataBuffer write(byte[] source) {
        return write(source, 0, source.length);
    }

    @Override
    public DataBuffer write(byte[] source, int offset, int length) {
        ensureWritable(length);
        live().setBytes(writePosition, source, offset, length);
        writePosition += length;
        return this;
    }

    @Override
    public DataBuffer write(DataBuffer... buffers) {
        for (DataBuffer b : buffers) {
            int n = b.readableByteCount();
            ensureWritable(n);
            try (DataBuffer.ByteBufferIterator it = b.readableByteBuffers()) {
                while (it.hasNext()) {
                    writeBytes(it.next());
                }
            }
            b.readPosition(b.writePosition());
        }
        return this;
    }

    @Override
    public DataBuffer write(ByteBuffer... buffers) {
        for (ByteBuffer b : buffers) {
            ensureWritable(b.remaining());
            writeBytes(b.duplicate());
        }
        return this;
    }

    private void writeBytes(ByteBuffer from) {
        int n = from.remaining();
        SegmentCopy.copy(from, segment, writePosition);
        writePosition += n;
    }

    @Override
    @Deprecated
    public DataBuffer slice(int index, int length) {
        // Spring's contract: a view sharing this buffer's memory, not retained (so not pooled itself).
        checkIndex(index, length);
        ByteBuffer view = SegmentCopy.view(segment, index, length);
        return DefaultDataBufferFactory.sharedInstance.wrap(view != null ? view : toByteBuffer(index, length));
    }

    @Override
    public DataBuffer retainedSlice(int index, int length) {
        checkIndex(index, length);
        return new SegmentDataBuffer(factory, live().slice(index, length), length);
    }

    @Override
    public DataBuffer split(int index) {
        if (index < 0 || index > capacity()) {
            throw new IndexOutOfBoundsException("split index " + index + " outside [0, " + capacity() + "]");
        }
        Segment whole = live();
        Segment first = whole.slice(0, index);
        Segment rest = whole.slice(index, whole.readableBytes() - index);
        whole.release();
        SegmentDataBuffer head = new SegmentDataBuffer(factory, first, Math.min(writePosition, index));
        head.readPosition = Math.min(readPosition, index);
        segment = rest;
        readPosition = Math.max(readPosition - index, 0);
        writePosition = Math.max(writePosition - index, 0);
        return head;
    }

    @Override
    @Deprecated
    public ByteBuffer asByteBuffer() {
        return asByteBuffer(readPosition, readableByteCount());
    }

    @Override
    @Deprecated
    public ByteBuffer asByteBuffer(int index, int length) {
        checkIndex(index, length);
        ByteBuffer view = SegmentCopy.view(segment, index, length);
        return view != null ? view : toByteBuffer(index, length);
    }

    @Override
    public ByteBuffer toByteBuffer(int index, int length) {
        checkIndex(index, length);
        byte[] copy = new byte[length];
        live().getBytes(index, copy, 0, length);
        return ByteBuffer.wrap(copy);
    }

    @Override
    public void toByteBuffer(int srcPos, ByteBuffer dest, int destPos, int length) {
        checkIndex(srcPos, length);
        ByteBuffer d = dest.duplicate();
        d.clear().position(destPos);
        SegmentCopy.copy(segment, srcPos, d, length);
    }

    @Override
    public ByteBufferIterator readableByteBuffers() {
        return new Views(segment, readPosition, readableByteCount(), true);
    }

    @Override
    public ByteBufferIterator writableByteBuffers() {
        return new Views(segment, writePosition, writableByteCount(), false);
    }

    @Override
    public String toString(int index, int length, Charset charset) {
        checkIndex(index, length);
        byte[] bytes = new byte[length];
        live().getBytes(index, bytes, 0, length);
        return new String(bytes, charset);
    }

    @Override
    public boolean isAllocated() {
        // Not the segment's count alone: once released, the segment object may be recycled for
        // another message by its loop, and its count would then speak for that one.
        Segment s = segment;
        return !released && s != null && s.refCnt() > 0;
    }

    @Override
    public PooledDataBuffer retain() {
        live().retain();
        return this;
    }

    @Override
    public PooledDataBuffer touch(Object hint) {
        live().touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        boolean last = live().release();
        if (last) {
            // Forget the segment: its object may now be recycled for another message, and a use
            // of this buffer after its release must fail here, not read or free that message.
            released = true;
            segment = null;
        }
        return last;
    }

    private Segment live() {
        Segment s = segment;
        if (s == null) {
            throw new IllegalStateException(released ? "DataBuffer released already" : "buffer handed over already (takeReadable)");
        }
        return s;
    }

    private void checkIndex(int index, int length) {
        if (index < 0 || length < 0 || index > capacity() - length) {
            throw new IndexOutOfBoundsException("index " + index + " length " + length + " outside a buffer of "
                    + capacity() + " bytes");
        }
    }

    @Override
    public String toString() {
        return "SegmentDataBuffer[r=" + readPosition + ", w=" + writePosition + ", cap=" + (segment == null ? 0 : capacity())
                + "]";
    }

    /** Direct views of a byte range, one per slice of the segment it crosses. */
    private static final class Views implements ByteBufferIterator {
        private final Segment segment;
        private final boolean readOnly;
        private int slice;
        private int skip;
        private int left;

        Views(Segment segment, int index, int length, boolean readOnly) {
            this.segment = segment;
            this.readOnly = readOnly;
            this.left = length;
            int s = 0;
            while (s < segment.sliceCount() && index >= segment.sliceLength(s) && left > 0) {
                index -= segment.sliceLength(s);
                s++;
            }
            this.slice = s;
            this.skip = index;
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        @Override
        public ByteBuffer next() {
            if (left == 0) {
                throw new NoSuchElementException();
            }
            int n = Math.min(left, segment.sliceLength(slice) - skip);
            ByteBuffer view = segment.asByteBuffer(slice);
            view.position(skip).limit(skip + n);
            view = view.slice();
            left -= n;
            slice++;
            skip = 0;
            return readOnly ? view.asReadOnlyBuffer() : view;
        }

        @Override
        public void close() {
        }
    }
}
