package dev.evpl.reactive.core.buffer;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process's off-heap memory for I/O: slabs mapped once (anonymous {@code mmap}) and carved into
 * fixed-size {@link Buffer}s. Slabs are never unmapped while the pool lives, so a backend that must
 * register memory with the kernel (io_uring fixed buffers, RDMA) does it once per slab through a
 * {@link MemoryRegistrar}, never per I/O.
 *
 * <p>Thread-safe: buffers are taken by loops and given back from whichever thread releases the last
 * segment pointing into them.
 */
public final class BufferPool {
    private static volatile BufferPool global;

    private final BufferConfig config;
    private final ConcurrentLinkedQueue<Buffer> free = new ConcurrentLinkedQueue<>();
    private final List<long[]> slabs = new ArrayList<>();
    private final CopyOnWriteArrayList<MemoryRegistrar> registrars = new CopyOnWriteArrayList<>();
    private final AtomicLong mapped = new AtomicLong();
    private final AtomicLong inUse = new AtomicLong();
    /** Base address and a whole-slab view per slab (slabs up to 2 GiB), for {@link ByteBufferViews}; copy on write. */
    private volatile long[] windowBases = new long[0];
    private volatile java.nio.ByteBuffer[] windows = new java.nio.ByteBuffer[0];

    /** A pool with {@code config}; most applications use {@link #global()}. */
    public BufferPool(BufferConfig config) {
        this.config = config;
    }

    /**
     * The process-wide pool, created on first use with {@link BufferConfig#defaults()}, or with the
     * sizes of the system properties {@code evpl.buffer.bufferSize} and {@code evpl.buffer.slabSize}
     * when set (validated like the builder: a bad value fails with the parameter and its range).
     */
    public static BufferPool global() {
        BufferPool p = global;
        if (p == null) {
            synchronized (BufferPool.class) {
                p = global;
                if (p == null) {
                    global = p = new BufferPool(fromSystemProperties());
                }
            }
        }
        return p;
    }

    private static BufferConfig fromSystemProperties() {
        String buffer = System.getProperty("evpl.buffer.bufferSize");
        String slab = System.getProperty("evpl.buffer.slabSize");
        if (buffer == null && slab == null) {
            return BufferConfig.defaults();
        }
        BufferConfig.Builder b = BufferConfig.builder();
        if (buffer != null) {
            b.bufferSize(Integer.parseInt(buffer.trim()));
        }
        if (slab != null) {
            b.slabSize(Long.parseLong(slab.trim()));
        }
        return b.build();
    }

    /**
     * Gives {@link #global()} its configuration before first use (an application's start-up, e.g.
     * the Spring Boot starter's {@code evpl.buffer.*}). Returns the global pool. Throws
     * {@link IllegalStateException} when the pool exists already with another configuration: slabs
     * in use cannot change size. Thread-safe.
     */
    public static BufferPool configureGlobal(BufferConfig config) {
        synchronized (BufferPool.class) {
            BufferPool p = global;
            if (p == null) {
                global = p = new BufferPool(config);
            } else if (!p.config.sameAs(config)) {
                throw new IllegalStateException("the global buffer pool is in use already with " + p.config
                        + "; cannot switch to " + config + " (configure it before the first loop or segment)");
            }
            return p;
        }
    }

    /** The pool's configuration. */
    public BufferConfig config() {
        return config;
    }

    /**
     * Registers a backend's memory hook: called at once for every slab mapped so far, then for each
     * new slab, with its address and length. Thread-safe.
     */
    public void addRegistrar(MemoryRegistrar registrar) {
        synchronized (slabs) {
            registrars.add(registrar);
            for (long[] slab : slabs) {
                registrar.register((int) slab[2], slab[0], slab[1]);
            }
        }
    }

    /** Removes a hook added by {@link #addRegistrar} (its backend went away). Thread-safe. */
    public void removeRegistrar(MemoryRegistrar registrar) {
        synchronized (slabs) {
            registrars.remove(registrar);
        }
    }

    /** Bytes mapped for slabs. */
    public long mappedBytes() {
        return mapped.get();
    }

    /** Bytes of buffers currently taken (by allocators or live segments). */
    public long inUseBytes() {
        return inUse.get();
    }

    /** The index of the slab window holding {@code address} (see {@link #window}), or -1. */
    int windowOf(long address) {
        long[] bases = windowBases;
        long size = config.slabSize();
        for (int i = 0; i < bases.length; i++) {
            if (address >= bases[i] && address < bases[i] + size) {
                return i;
            }
        }
        return -1;
    }

    /** A view of the whole slab window {@code i} (callers duplicate it and never move the original). */
    java.nio.ByteBuffer window(int i) {
        return windows[i];
    }

    /** The address where window {@code i} starts. */
    long windowBase(int i) {
        return windowBases[i];
    }

    Buffer take() {
        Buffer b = free.poll();
        if (b == null) {
            b = grow();
        }
        b.reset();
        inUse.addAndGet(b.capacity);
        return b;
    }

    void give(Buffer b) {
        inUse.addAndGet(-b.capacity);
        free.offer(b);
    }

    private Buffer grow() {
        synchronized (slabs) {
            Buffer b = free.poll();
            if (b != null) {
                return b;
            }
            long slabSize = config.slabSize();
            if (mapped.get() + slabSize > config.maxMemory()) {
                throw new OutOfMemoryError("evpl buffer pool: maxMemory " + config.maxMemory()
                        + " bytes reached (" + mapped.get() + " mapped); raise BufferConfig.maxMemory");
            }
            long address = LIBC.mmap(null, slabSize, Linux.PROT_READ | Linux.PROT_WRITE,
                    Linux.MAP_PRIVATE | Linux.MAP_ANONYMOUS, -1, 0);
            if (address == Linux.MAP_FAILED) {
                throw Native.error("mmap", slabSize + " bytes for a buffer slab");
            }
            int index = slabs.size();
            slabs.add(new long[] {address, slabSize, index});
            mapped.addAndGet(slabSize);
            if (slabSize <= Integer.MAX_VALUE) {
                int n = windowBases.length;
                long[] bases = java.util.Arrays.copyOf(windowBases, n + 1);
                java.nio.ByteBuffer[] views = java.util.Arrays.copyOf(windows, n + 1);
                bases[n] = address;
                views[n] = dev.evpl.reactive.core.internal.nativeio.NativeMemory.view(address, (int) slabSize);
                windows = views; // the views first: a reader that sees the new bases sees them too
                windowBases = bases;
            }
            for (MemoryRegistrar r : registrars) {
                r.register(index, address, slabSize);
            }
            int size = config.bufferSize();
            int count = (int) (slabSize / size);
            for (int i = 1; i < count; i++) {
                free.offer(new Buffer(this, address + (long) i * size, size, index));
            }
            return new Buffer(this, address, size, index);
        }
    }

    @Override
    public String toString() {
        return "BufferPool[mapped=" + mapped.get() + ", inUse=" + inUse.get() + ", bufferSize=" + config.bufferSize() + ']';
    }
}
