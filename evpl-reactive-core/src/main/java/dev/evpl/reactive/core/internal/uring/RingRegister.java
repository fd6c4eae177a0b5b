package dev.evpl.reactive.core.internal.uring;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;

/**
 * The {@code io_uring_register} calls the loop's ring makes: fixed-buffer and registered-file
 * tables (sparse, filled slot by slot), provided-buffer rings, the completion eventfd. Each takes
 * the ring's descriptor; called on the ring's owner thread, rarely (set-up, new slabs, new files).
 */
final class RingRegister {
    private RingRegister() {
    }

    private static final int REGISTER_FILES2 = 13;
    private static final int REGISTER_FILES_UPDATE2 = 14;
    private static final int REGISTER_BUFFERS2 = 15;
    private static final int REGISTER_BUFFERS_UPDATE = 16;
    private static final int RSRC_REGISTER_SPARSE = 1;

    /** A sparse table of {@code slots} ({@code struct io_uring_rsrc_register}); 0 or -errno. */
    private static int sparseTable(int ringFd, int opcode, int slots) {
        long arg = NativeMemory.allocate(32);
        try {
            NativeMemory.zero(arg, 32);
            NativeMemory.putInt(arg, slots);
            NativeMemory.putInt(arg + 4, RSRC_REGISTER_SPARSE);
            long rc = LIBC.syscall(Linux.SYS_IO_URING_REGISTER, ringFd, opcode, arg, 32, 0, 0);
            return rc < 0 ? -Native.errno() : 0;
        } finally {
            NativeMemory.free(arg);
        }
    }

    /** One slot of a table from {@code data} (an iovec or an fd; {@code struct io_uring_rsrc_update2}); 0 or -errno. */
    private static int updateSlot(int ringFd, int opcode, int index, long data) {
        long arg = NativeMemory.allocate(32);
        try {
            NativeMemory.zero(arg, 32);
            NativeMemory.putInt(arg, index);
            NativeMemory.putLong(arg + 8, data);
            NativeMemory.putInt(arg + 24, 1);
            long rc = LIBC.syscall(Linux.SYS_IO_URING_REGISTER, ringFd, opcode, arg, 32, 0, 0);
            return rc < 0 ? -Native.errno() : 0;
        } finally {
            NativeMemory.free(arg);
        }
    }

    /**
     * Reserves a table of {@code slots} fixed buffers, all empty (sparse); fill them with
     * {@link #updateBuffer}. Returns false when the kernel refuses (then operations use plain reads).
     */
    static boolean registerSparseBuffers(int ringFd, int slots) {
        return sparseTable(ringFd, REGISTER_BUFFERS2, slots) == 0;
    }

    /**
     * Puts {@code [address, address + length)} in fixed-buffer slot {@code index} (the kernel pins
     * it). Returns 0, or {@code -errno} (ENOMEM when the locked-memory limit is reached).
     */
    static int updateBuffer(int ringFd, int index, long address, long length) {
        long iov = NativeMemory.allocate(16);
        try {
            NativeMemory.putLong(iov, address);
            NativeMemory.putLong(iov + 8, length);
            return updateSlot(ringFd, REGISTER_BUFFERS_UPDATE, index, iov);
        } finally {
            NativeMemory.free(iov);
        }
    }

    /**
     * Reserves a table of {@code slots} registered files, all empty (sparse); fill them with
     * {@link #updateFile}. Returns 0 or -errno.
     */
    static int registerSparseFiles(int ringFd, int slots) {
        return sparseTable(ringFd, REGISTER_FILES2, slots);
    }

    /**
     * Puts descriptor {@code file} in registered-file slot {@code index}, or empties the slot with
     * {@code file = -1} (operations under way keep their own reference to the file). Returns 0 or -errno.
     */
    static int updateFile(int ringFd, int index, int file) {
        long fds = NativeMemory.allocate(4);
        try {
            NativeMemory.putInt(fds, file);
            return updateSlot(ringFd, REGISTER_FILES_UPDATE2, index, fds);
        } finally {
            NativeMemory.free(fds);
        }
    }

    private static final int REGISTER_PBUF_RING = 22;
    private static final int UNREGISTER_PBUF_RING = 23;

    /**
     * Registers a provided-buffer ring of {@code entries} (a power of two) at {@code ringAddress}
     * (page-aligned, {@code entries * 16} bytes) as buffer group {@code group}, with {@code flags}
     * ({@code IOU_PBUF_RING_INC}: buffers consumed incrementally). Returns 0 or -errno.
     */
    static int registerBufferRing(int ringFd, long ringAddress, int entries, int group, int flags) {
        long arg = NativeMemory.allocate(40); // struct io_uring_buf_reg
        try {
            NativeMemory.zero(arg, 40);
            NativeMemory.putLong(arg, ringAddress);
            NativeMemory.putInt(arg + 8, entries);
            NativeMemory.putShort(arg + 12, (short) group);
            NativeMemory.putShort(arg + 14, (short) flags);
            long rc = LIBC.syscall(Linux.SYS_IO_URING_REGISTER, ringFd, REGISTER_PBUF_RING, arg, 1, 0, 0);
            return rc < 0 ? -Native.errno() : 0;
        } finally {
            NativeMemory.free(arg);
        }
    }

    /** Unregisters buffer group {@code group}. */
    static void unregisterBufferRing(int ringFd, int group) {
        long arg = NativeMemory.allocate(40);
        try {
            NativeMemory.zero(arg, 40);
            NativeMemory.putShort(arg + 12, (short) group);
            LIBC.syscall(Linux.SYS_IO_URING_REGISTER, ringFd, UNREGISTER_PBUF_RING, arg, 1, 0, 0);
        } finally {
            NativeMemory.free(arg);
        }
    }

    private static final int REGISTER_EVENTFD = 4;

    /** Asks the kernel to signal {@code eventfd} on every completion. */
    static void registerEventFd(int ringFd, int eventfd) {
        long arg = NativeMemory.allocate(4);
        try {
            NativeMemory.putInt(arg, eventfd);
            long rc = LIBC.syscall(Linux.SYS_IO_URING_REGISTER, ringFd, REGISTER_EVENTFD, arg, 1, 0, 0);
            if (rc < 0) {
                throw Native.error("io_uring_register(EVENTFD)", "ring " + ringFd);
            }
        } finally {
            NativeMemory.free(arg);
        }
    }

    private static final int REGISTER_RING_FDS = 20;
    private static final int UNREGISTER_RING_FDS = 21;

    /**
     * Registers the ring's own descriptor for the calling thread, so its enters name an index
     * ({@code IORING_ENTER_REGISTERED_RING}) and skip looking the descriptor up (a file reference
     * taken and dropped per call). Returns the index, or -errno (kernels older than 5.18).
     */
    static int registerRingFd(int ringFd) {
        long arg = NativeMemory.allocate(16); // struct io_uring_rsrc_update
        try {
            NativeMemory.putInt(arg, -1); // any free index
            NativeMemory.putInt(arg + 4, 0);
            NativeMemory.putLong(arg + 8, ringFd);
            long rc = LIBC.syscall(Linux.SYS_IO_URING_REGISTER, ringFd, REGISTER_RING_FDS, arg, 1, 0, 0);
            if (rc < 0) {
                return -Native.errno();
            }
            return rc == 1 ? NativeMemory.getInt(arg) : -22;
        } finally {
            NativeMemory.free(arg);
        }
    }

    /** Gives back index {@code index} of {@link #registerRingFd} (on the thread that registered it). */
    static void unregisterRingFd(int ringFd, int index) {
        long arg = NativeMemory.allocate(16);
        try {
            NativeMemory.zero(arg, 16);
            NativeMemory.putInt(arg, index);
            LIBC.syscall(Linux.SYS_IO_URING_REGISTER, ringFd, UNREGISTER_RING_FDS, arg, 1, 0, 0);
        } finally {
            NativeMemory.free(arg);
        }
    }
}
