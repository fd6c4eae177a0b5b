package dev.evpl.reactive.core.internal.uring;

import dev.evpl.reactive.core.io.Errno;

/**
 * The registered-file table of one ring: descriptors used by many operations (block devices) are
 * registered once, and their SQEs name a slot with {@code IOSQE_FIXED_FILE}, so the kernel skips
 * looking the descriptor up and taking a file reference per operation (in a multi-threaded
 * process that is an atomic increment and decrement each time).
 *
 * <p>A sparse table of {@link #SLOTS} is reserved on first use; slots are reused after release.
 * Loop-confined, like its ring.
 */
final class FixedFiles {
    static final int SLOTS = 1024;
    private final IoUring ring;
    private int[] free;
    private int freeCount;
    private String problem;
    private int registered;

    FixedFiles(IoUring ring) {
        this.ring = ring;
    }

    /** A slot now holding {@code fd}, or -1 (table refused or full: {@link #problem()} says why). */
    int register(int fd) {
        if (free == null && problem == null) {
            int rc = RingRegister.registerSparseFiles(ring.fd(), SLOTS);
            if (rc < 0) {
                problem = "IORING_REGISTER_FILES2: " + Errno.name(-rc);
            } else {
                free = new int[SLOTS];
                for (int i = 0; i < SLOTS; i++) {
                    free[i] = SLOTS - 1 - i;
                }
                freeCount = SLOTS;
            }
        }
        if (free == null) {
            return -1;
        }
        if (freeCount == 0) {
            problem = "all " + SLOTS + " registered-file slots in use";
            return -1;
        }
        int slot = free[freeCount - 1];
        int rc = RingRegister.updateFile(ring.fd(), slot, fd);
        if (rc < 0) {
            problem = "IORING_REGISTER_FILES_UPDATE2: " + Errno.name(-rc);
            return -1;
        }
        freeCount--;
        registered++;
        return slot;
    }

    /** Empties {@code slot}; operations under way keep the file until they complete. */
    void release(int slot) {
        if (slot < 0 || free == null) {
            return;
        }
        RingRegister.updateFile(ring.fd(), slot, -1);
        free[freeCount++] = slot;
        registered--;
    }

    /** Slots in use. */
    int registered() {
        return registered;
    }

    /** Why a registration failed, or null. */
    String problem() {
        return problem;
    }
}
