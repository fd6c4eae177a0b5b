package dev.evpl.reactive.core.buffer;

/**
 * A backend's hook for memory that must be registered with the kernel or a device once (io_uring
 * fixed buffers, RDMA memory regions). See {@link BufferPool#addRegistrar}.
 */
@FunctionalInterface
public interface MemoryRegistrar {
    /** Slab {@code index} spans {@code length} bytes at {@code address}; it stays mapped for the pool's life. */
    void register(int index, long address, long length);
}
