package dev.evpl.reactive.core.internal.nativeio;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

/** Integer socket options through caller-owned scratch memory of at least 8 bytes. */
public final class SockOpt {
    private SockOpt() {
    }

    /** setsockopt with an {@code int} value; throws naming the option on failure. */
    public static void setInt(long scratch, int fd, int level, int name, int value) {
        NativeMemory.putInt(scratch, value);
        Native.check(LIBC.setsockopt(fd, level, name, scratch, 4), "setsockopt", "fd " + fd + " option " + level + "/" + name);
    }

    /** getsockopt of an {@code int} value (SO_ERROR, TCP_NODELAY, buffer sizes). */
    public static int getInt(long scratch, int fd, int level, int name) {
        NativeMemory.putInt(scratch + 4, 4);
        Native.check(LIBC.getsockopt(fd, level, name, scratch, scratch + 4), "getsockopt",
                "fd " + fd + " option " + level + "/" + name);
        return NativeMemory.getInt(scratch);
    }
}
