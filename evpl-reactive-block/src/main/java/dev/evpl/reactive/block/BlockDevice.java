package dev.evpl.reactive.block;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open file or block device. I/O goes through a {@link BlockQueue} per event loop
 * ({@link #queue(EventLoop)}), so reads land in the loop's pooled memory, ready to be sent on a
 * bind of the same loop without a copy.
 *
 * <p>Thread-safe. {@link #open} and {@link #close} make blocking system calls: call them off the
 * loops.
 */
public final class BlockDevice implements AutoCloseable {
    /** Largest single read or write; larger ranges go through the streaming methods. */
    public static final int MAX_REQUEST = 1 << 20;

    private final BlockProtocol protocol;
    private final Path path;
    private final BlockOptions options;
    private final int fd;
    private final AtomicLong size;
    private final int alignment;
    private final Map<EventLoop, BlockQueue> queues = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private BlockDevice(BlockProtocol protocol, Path path, BlockOptions options, int fd, long size) {
        this.protocol = protocol;
        this.path = path;
        this.options = options;
        this.fd = fd;
        this.size = new AtomicLong(size);
        this.alignment = options.direct() ? 4096 : 1;
    }

    /**
     * Opens {@code path} with {@code protocol}. Fails with a {@link BlockIoException} naming the
     * path and errno (ENOENT, EACCES, EINVAL for O_DIRECT on a file system without it…), or
     * {@link UnsupportedOperationException} when the protocol is unavailable (with the reason).
     */
    public static BlockDevice open(BlockProtocol protocol, Path path, BlockOptions options) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (!protocol.isAvailable()) {
            throw new UnsupportedOperationException("block protocol " + protocol + " is unavailable: " + protocol.unavailableReason());
        }
        int flags = (options.readOnly() ? Linux.O_RDONLY : Linux.O_RDWR) | Linux.O_CLOEXEC
                | (options.create() && !options.readOnly() ? Linux.O_CREAT : 0)
                | (options.direct() ? Linux.O_DIRECT : 0)
                | (options.durable() ? Linux.O_DSYNC : 0);
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        long cpath = NativeMemory.allocate(name.length + 1L);
        int fd;
        try {
            NativeMemory.put(cpath, name, 0, name.length);
            NativeMemory.putByte(cpath + name.length, (byte) 0);
            fd = LIBC.open(cpath, flags, 0644);
        } finally {
            NativeMemory.free(cpath);
        }
        if (fd < 0) {
            int errno = Native.errno();
            throw new BlockIoException("open", path.toString(), 0, 0, errno, Errno.name(errno) + " (" + errno + ") - "
                    + Errno.description(errno));
        }
        long size = LIBC.lseek(fd, 0, Linux.SEEK_END);
        if (size < 0) {
            int errno = Native.errno();
            LIBC.close(fd);
            throw new BlockIoException("open", path.toString(), 0, 0, errno, "lseek: " + Errno.name(errno));
        }
        return new BlockDevice(protocol, path, options, fd, size);
    }

    /** The queue of {@code loop} for this device (one per loop, created on first use). */
    public BlockQueue queue(EventLoop loop) {
        if (closed) {
            throw new IllegalStateException("block device closed: " + path);
        }
        return queues.computeIfAbsent(loop, l -> new BlockQueue(this, l));
    }

    /** The file's size in bytes (grows with writes past the end). */
    public long size() {
        return size.get();
    }

    void grew(long end) {
        size.accumulateAndGet(end, Math::max);
    }

    /** Offsets, lengths and memory of direct I/O must be multiples of this (1 without {@code direct}). */
    public int alignment() {
        return alignment;
    }

    /** Largest single read or write. */
    public int maxRequestSize() {
        return MAX_REQUEST;
    }

    public Path path() {
        return path;
    }

    public BlockProtocol protocol() {
        return protocol;
    }

    public BlockOptions options() {
        return options;
    }

    public boolean isReadOnly() {
        return options.readOnly();
    }

    int fd() {
        return fd;
    }

    boolean isClosed() {
        return closed;
    }

    /** Queues (plus this close itself) that still hold the descriptor after {@link #close()}. */
    private final java.util.concurrent.atomic.AtomicInteger holders = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean descriptorClosed;

    /**
     * Closes the device: operations not yet started fail; the descriptor itself is closed once
     * every operation under way has completed (until then the kernel or a pool thread may still
     * use its number, and a number closed early is handed to the next open or accept). Any thread;
     * does not wait.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            holders.set(1); // this close's own hold, given back last
            // Rings holding the descriptor as a registered file let go of it on their loops.
            for (BlockQueue q : queues.values()) {
                holders.incrementAndGet();
                q.close();
            }
            queueReleased();
        }
    }

    /** A queue has nothing in flight any more (or the close itself is done): the last one closes the fd. */
    void queueReleased() {
        if (holders.decrementAndGet() == 0) {
            descriptorClosed = true;
            LIBC.close(fd);
        }
    }

    /** Whether the descriptor was closed (after {@link #close()}, once nothing was in flight). Tests. */
    boolean descriptorClosed() {
        return descriptorClosed;
    }

    @Override
    public String toString() {
        return "BlockDevice[" + path + ", " + protocol + ", size " + size.get() + "]";
    }
}
