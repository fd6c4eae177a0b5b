package dev.evpl.reactive.block;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.util.ArrayDeque;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The operations of one {@link BlockDevice} on one event loop. Reads fill the loop's pooled
 * memory; writes take segments (ownership moves here). At most {@code queueDepth} operations are
 * in flight; up to {@code maxWaiting} more wait in order (backpressure, not an error); one beyond
 * that fails with Reactor's overflow error naming the option. Results arrive on the loop.
 *
 * <p>Thread-safety: every method may be called from any thread; operations hop onto the loop.
 * Cancelling a returned {@code Mono} does not stop an operation already submitted; its memory is
 * released when it completes.
 */
public final class BlockQueue {
    private final BlockDevice device;
    private final EventLoop loop;
    private final int depth;
    private final int maxWaiting;
    private BlockBackend backend;
    private int inFlight;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    /** Reads' state objects not in use (loop-confined). */
    private final ArrayDeque<ReadOp> freeReads = new ArrayDeque<>();
    /** Writes' state objects not in use (loop-confined). */
    private final ArrayDeque<WriteOp> freeWrites = new ArrayDeque<>();

    BlockQueue(BlockDevice device, EventLoop loop) {
        this.device = device;
        this.loop = loop;
        this.depth = device.options().queueDepth();
        this.maxWaiting = device.options().maxWaiting();
    }

    /** The device. */
    public BlockDevice device() {
        return device;
    }

    /** The loop where results arrive. */
    public EventLoop loop() {
        return loop;
    }

    /** Operations in flight at most. */
    public int depth() {
        return depth;
    }

    private BlockBackend backend() {
        if (backend == null) {
            backend = BlockBackend.open(device.protocol(), loop, device.fd(), device.options().submitEach());
            if (device.isClosed()) {
                backend.close(); // closed while this operation hopped here: register nothing
            }
        }
        return backend;
    }

    /** Loop: the device closed; the queue lets go of its descriptor once nothing is in flight. */
    private boolean closing;

    /**
     * Loop, closing and idle: the backend lets go of the descriptor (a ring's registered-file slot
     * goes only now: operations admitted before the close, even those whose SQE is not submitted
     * yet, name that slot), then the device may close it.
     */
    private void release() {
        closing = false;
        if (backend != null) {
            backend.close();
        }
        device.queueReleased();
    }

    /**
     * The device is closing: the backend lets go of it on the loop, and once no operation of this
     * queue is under way (they name the descriptor until their completion) the device hears
     * {@code queueReleased}. A loop already gone has nothing in flight.
     */
    void close() {
        boolean queued = loop.execute(() -> {
            closing = true;
            if (inFlight == 0) {
                release();
            }
        });
        if (!queued) {
            device.queueReleased();
        }
    }

    /** Runs {@code r} now on the loop, else hands it over; if dropped, {@code carried} is released and the sink fails. */
    private void onLoop(Runnable r, MonoSink<?> sink, Segment carried) {
        if (loop.inLoop()) {
            r.run();
            return;
        }
        loop.handOver(r, () -> {
            if (carried != null) {
                carried.release();
            }
            sink.error(new IllegalStateException("the queue's event loop is disposed"));
        });
    }

    /** Loop: runs {@code op} now if under the depth limit, else when an operation completes; {@code refused} hears a full wait queue. */
    private void admit(Runnable op, MonoSink<?> refused) {
        if (inFlight < depth) {
            inFlight++;
            op.run();
        } else if (waiting.size() < maxWaiting) {
            waiting.add(op);
        } else {
            refused.error(waitingFull());
        }
    }

    private RuntimeException waitingFull() {
        return BlockRequests.waitingFull(device, loop, waiting.size());
    }

    /** Loop: an operation finished; the next waiting one starts. */
    private void finished() {
        Runnable next = waiting.poll();
        if (next != null) {
            next.run(); // keeps its in-flight slot
        } else {
            inFlight--;
            if (closing && inFlight == 0) {
                release(); // the last operation naming the descriptor is done
            }
        }
    }

    private BlockIoException error(String op, long offset, long length, int errno) {
        return BlockRequests.error(device, op, offset, length, errno);
    }

    /**
     * Reads up to {@code length} bytes at {@code offset} into a new pooled segment (the subscriber
     * owns it). Shorter at the end of the file; a read starting at or past the end fails with
     * {@link BlockIoException#isEndOfFile()}. With direct I/O any offset and length work: the
     * aligned range around them is read into aligned memory and the segment is a slice of it.
     */
    public Mono<Segment> read(long offset, int length) {
        return new BlockReadMono(this, offset, length);
    }

    /** Result of a loop-level read: the segment (the callee owns it) or the error; called on the loop. */
    @FunctionalInterface
    public interface ReadDone {
        void done(Segment data, Throwable error);
    }

    /** Result of a loop-level write: bytes written, or the error; called on the loop. */
    @FunctionalInterface
    public interface WriteDone {
        void done(long bytes, Throwable error);
    }

    /**
     * The callback form of {@link #read(long, int)} for code running on the loop (no {@code Mono}
     * per operation: libevpl's style, for hot paths such as benchmarks and file servers). Loop
     * thread only; beyond the depth limit the read waits its turn.
     */
    public void read(long offset, int length, ReadDone done) {
        if (!loop.inLoop()) {
            throw new IllegalStateException("BlockQueue.read(offset, length, callback) must be called on the queue's loop");
        }
        BlockRequests.checkRange(device, "read", offset, length);
        admitRead(offset, length, done);
    }

    /** The callback form of {@link #write(long, Segment)}; loop thread only; takes ownership of {@code data}. */
    public void write(long offset, Segment data, WriteDone done) {
        if (!loop.inLoop()) {
            data.release();
            throw new IllegalStateException("BlockQueue.write(offset, data, callback) must be called on the queue's loop");
        }
        checkWrite(offset, data);
        if (device.isReadOnly()) {
            data.release();
            done.done(0, error("write", offset, data.readableBytes(), Errno.EBADF));
            return;
        }
        admitWrite(offset, data, done);
    }

    /** Throws (releasing {@code data}) for a bad range, or an unaligned one with direct I/O. */
    private void checkWrite(long offset, Segment data) {
        int length = data.readableBytes();
        try {
            BlockRequests.checkWrite(device, offset, length);
        } catch (RuntimeException e) {
            data.release();
            throw e;
        }
    }

    /** Loop: admits a write under the depth limit. */
    private void admitWrite(long offset, Segment data, WriteDone done) {
        if (inFlight < depth) {
            inFlight++;
            writeRaw(offset, data, done);
        } else if (waiting.size() < maxWaiting) {
            waiting.add(() -> writeRaw(offset, data, done));
        } else {
            data.release();
            done.done(0, waitingFull());
        }
    }

    /** Loop, inside an admitted slot: reads and calls {@code done} on the loop; frees the slot first. */
    void readRaw(long offset, int length, ReadDone done) {
        if (device.isClosed()) {
            finished();
            done.done(null, new IllegalStateException("block device closed: " + device.path()));
            return;
        }
        ReadOp op = freeReads.poll();
        if (op == null) {
            op = new ReadOp();
        }
        op.start(offset, length, done);
    }

    /** Loop: admits a read under the depth limit (used by {@link ReadStream} and the callback form). */
    void admitRead(long offset, int length, ReadDone done) {
        if (inFlight < depth) {
            inFlight++;
            readRaw(offset, length, done); // the common case: no task object for the wait queue
        } else if (waiting.size() < maxWaiting) {
            waiting.add(() -> readRaw(offset, length, done));
        } else {
            done.done(null, waitingFull());
        }
    }

    /**
     * One read in flight: its buffer, where the caller's bytes sit in it, and the completion the
     * ring calls. Recycled through {@link #freeReads} (at most {@code depth} exist), so a read
     * allocates no object besides its segment. Loop-confined.
     */
    private final class ReadOp implements BlockCompletion {
        private long offset;
        private int length;
        private long start;
        private int skew;
        private Segment buffer;
        private ReadDone done;

        void start(long offset, int length, ReadDone done) {
            int align = device.alignment();
            this.offset = offset;
            this.length = length;
            this.done = done;
            start = offset & -align;
            long end = (offset + length + align - 1) & -align;
            int span = (int) (end - start);
            buffer = loop.allocator().allocate(span + (align > 1 ? align : 0));
            long base = buffer.sliceAddress(0);
            skew = align > 1 ? (int) ((align - (base & (align - 1))) & (align - 1)) : 0;
            backend().read(device.fd(), base + skew, span, start, this);
        }

        @Override
        public void complete(int res) {
            Segment buf = buffer;
            ReadDone callback = done;
            long at = offset;
            int n = length;
            long from = start;
            int sk = skew;
            buffer = null;
            done = null;
            freeReads.push(this); // free before the callback: it may start the next read
            finished();
            if (res < 0) {
                buf.release();
                callback.done(null, error("read", at, n, -res));
                return;
            }
            int available = (int) (res - (at - from));
            if (available <= 0) {
                buf.release();
                callback.done(null, new BlockIoException("read", device.path().toString(), at, n, 0,
                        "EOF (file size " + device.size() + ")"));
                return;
            }
            Segment data = buf.slice(sk + (int) (at - from), Math.min(n, available));
            buf.release();
            callback.done(data, null);
        }
    }

    /**
     * Writes all of {@code data} at {@code offset} (taking ownership); completes with the bytes
     * written. Short writes are resumed. Direct I/O needs an aligned offset and length (else an
     * {@link IllegalArgumentException} naming the alignment); unaligned memory is copied into an
     * aligned bounce buffer, as is a segment of several slices.
     */
    public Mono<Completion> write(long offset, Segment data) {
        return Mono.create(sink -> {
            checkWrite(offset, data);
            int length = data.readableBytes();
            if (device.isReadOnly()) {
                data.release();
                sink.error(error("write", offset, length, Errno.EBADF));
                return;
            }
            onLoop(() -> admitWrite(offset, data, (bytes, e) -> {
                if (e != null) {
                    sink.error(e);
                } else {
                    sink.success(new Completion(bytes, 1));
                }
            }), sink, data);
        });
    }

    /** Loop, inside an admitted slot: writes all of {@code data} (owned) and calls {@code done}; frees the slot first. */
    private void writeRaw(long offset, Segment data, WriteDone done) {
        int length = data.readableBytes();
        int align = device.alignment();
        Segment source = data;
        long addr;
        if (data.sliceCount() == 1 && (data.sliceAddress(0) & (align - 1)) == 0) {
            addr = data.sliceAddress(0);
        } else {
            // Several slices, or memory not aligned for O_DIRECT: one aligned contiguous copy.
            Segment bounce = loop.allocator().allocate(length + align);
            long base = bounce.sliceAddress(0);
            long aligned = (base + align - 1) & -align;
            long at = aligned;
            for (int i = 0; i < data.sliceCount(); i++) {
                NativeMemory.copy(data.sliceAddress(i), at, data.sliceLength(i));
                at += data.sliceLength(i);
            }
            data.release();
            source = bounce;
            addr = aligned;
        }
        WriteOp op = freeWrites.poll();
        if (op == null) {
            op = new WriteOp();
        }
        op.start(addr, length, offset, source, done);
    }

    /**
     * One write in flight, resumed after a short write; its own completion, recycled through
     * {@link #freeWrites}, so the callback form allocates nothing per write. Loop-confined.
     */
    private final class WriteOp implements BlockCompletion {
        private long addr;
        private int length;
        private long offset;
        private int written;
        private Segment owned;
        private WriteDone done;

        void start(long addr, int length, long offset, Segment owned, WriteDone done) {
            this.addr = addr;
            this.length = length;
            this.offset = offset;
            this.owned = owned;
            this.done = done;
            written = 0;
            backend().write(device.fd(), addr, length, offset, this);
        }

        @Override
        public void complete(int res) {
            if (res > 0 && written + res < length) {
                written += res; // short write: the rest, same slot
                backend().write(device.fd(), addr + written, length - written, offset + written, this);
                return;
            }
            Segment memory = owned;
            WriteDone callback = done;
            long at = offset;
            int len = length;
            int total = res < 0 ? 0 : written + res;
            owned = null;
            done = null;
            freeWrites.push(this); // free before the callback: it may start the next write
            finished();
            memory.release();
            if (res < 0) {
                callback.done(0, error("write", at, len, -res));
                return;
            }
            device.grew(at + total);
            callback.done(total, null);
        }
    }

    /** Makes everything written so far durable ({@code fsync}). */
    public Mono<Void> flush() {
        return simple("flush", 0, 0, (fd, done) -> backend().fsync(fd, false, done));
    }

    /**
     * Makes {@code [offset, offset + length)} read as zeroes: {@code FALLOC_FL_ZERO_RANGE}, or
     * written zeroes where the file system does not support it.
     */
    public Mono<Void> writeZeroes(long offset, long length) {
        return simple("writeZeroes", offset, length,
                (fd, done) -> backend().fallocate(fd, Linux.FALLOC_FL_ZERO_RANGE, offset, length, done))
                .onErrorResume(e -> e instanceof BlockIoException b && (b.errno() == 95 || b.errno() == Errno.EINVAL),
                        e -> emulateZeroes(offset, length))
                .doOnSuccess(v -> device.grew(offset + length));
    }

    private Mono<Void> emulateZeroes(long offset, long length) {
        int chunk = (int) Math.min(BlockRequests.maxRequest(device), length);
        long chunks = (length + chunk - 1) / chunk;
        return Flux.range(0, (int) chunks).concatMap(i -> {
            long at = offset + (long) i * chunk;
            int n = (int) Math.min(chunk, offset + length - at);
            return Mono.defer(() -> {
                Segment zeros = loop.allocator().allocate(n);
                NativeMemory.zero(zeros.sliceAddress(0), n);
                return write(at, zeros);
            }).subscribeOn(loop);
        }).then();
    }

    /** Deallocates {@code [offset, offset + length)} ({@code FALLOC_FL_PUNCH_HOLE}); it then reads as zeroes. */
    public Mono<Void> discard(long offset, long length) {
        return simple("discard", offset, length, (fd, done) -> backend().fallocate(fd,
                Linux.FALLOC_FL_PUNCH_HOLE | Linux.FALLOC_FL_KEEP_SIZE, offset, length, done));
    }

    private interface Op {
        void start(int fd, BlockCompletion done);
    }

    private Mono<Void> simple(String name, long offset, long length, Op op) {
        return Mono.create(sink -> {
            if (device.isReadOnly() && !name.equals("flush")) {
                sink.error(error(name, offset, length, Errno.EBADF));
                return;
            }
            onLoop(() -> admit(() -> op.start(device.fd(), res -> {
                finished();
                if (res < 0) {
                    sink.error(error(name, offset, length, -res));
                } else {
                    sink.success();
                }
            }), sink), sink, null);
        });
    }

    /**
     * The range {@code [offset, offset + length)} (clipped at the end of the file) as segments of
     * {@code chunk} bytes, in order. Demand sets the reads in flight: at most as many as requested
     * and not yet delivered, capped at {@code min(16, depth)}
     * chunks; nothing more is read while the subscriber does not request.
     */
    public Flux<Segment> readStream(long offset, long length, int chunk) {
        if (chunk <= 0 || chunk > BlockRequests.maxRequest(device)) {
            throw new IllegalArgumentException("readStream: chunk must be between 1 and " + BlockRequests.maxRequest(device) + ", got " + chunk);
        }
        long end = Math.min(offset + length, device.size());
        if (end <= offset) {
            return Flux.empty();
        }
        return new ReadStream(this, offset, end, chunk, Math.min(16, depth));
    }

    /** Writes every segment of {@code data} one after another from {@code offset} (taking ownership); completes with the total. */
    public Mono<Completion> writeStream(Publisher<Segment> data, long offset) {
        long[] position = {offset};
        return Flux.from(data)
                .map(s -> {
                    long at = position[0];
                    position[0] += s.readableBytes();
                    return write(at, s);
                })
                .flatMap(m -> m, Math.min(16, depth))
                .reduce(new Completion(0, 0), (a, b) -> new Completion(a.bytes() + b.bytes(), a.messages() + b.messages()))
                .doOnDiscard(Segment.class, Segment::release);
    }
}
