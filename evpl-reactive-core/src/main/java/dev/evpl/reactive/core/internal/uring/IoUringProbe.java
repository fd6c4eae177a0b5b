package dev.evpl.reactive.core.internal.uring;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;

/** The once-per-process check whether io_uring can be used here, and if not, why. */
final class IoUringProbe {
    private IoUringProbe() {
    }

    /**
     * Sets up (and closes) a two-entry ring; null when that works, else the errno with its likely
     * cause (sysctl or seccomp, memlock limit, an old kernel).
     */
    static String probe() {
        try {
            long params = NativeMemory.allocate(120);
            try {
                NativeMemory.zero(params, 120);
                long rc = LIBC.syscall(Linux.SYS_IO_URING_SETUP, 2, params, 0, 0, 0, 0);
                if (rc < 0) {
                    int errno = Native.errno();
                    String why = switch (errno) {
                        case Errno.EPERM -> " (disabled by the kernel.io_uring_disabled sysctl or a seccomp filter)";
                        case Errno.ENOMEM -> " (locked-memory limit too low: raise RLIMIT_MEMLOCK)";
                        case Errno.ENOSYS -> " (kernel without io_uring)";
                        default -> "";
                    };
                    return "io_uring_setup: " + Errno.name(errno) + " (" + errno + ")" + why;
                }
                LIBC.close((int) rc);
                return null;
            } finally {
                NativeMemory.free(params);
            }
        } catch (Throwable t) {
            return "probe failed: " + t;
        }
    }
}
