package dev.evpl.reactive.core.io;

/**
 * Linux x86-64/arm64 errno numbers the library branches on, to compare with
 * {@link NativeIoException#errno()}, and names and descriptions for every errno (from
 * jnr-constants' table for the running platform). Constants only; thread-safe.
 */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ENOTSOCK = 88;
    public static final int EADDRINUSE = 98;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ENOBUFS = 105;
    public static final int ECANCELED = 125;

    /** The symbolic name of {@code errno}, e.g. {@code "ECONNREFUSED"}; {@code "errno N"} if unknown. */
    public static String name(int errno) {
        jnr.constants.platform.Errno e = lookup(errno);
        return e != null ? e.name() : "errno " + errno;
    }

    /** The platform's description of {@code errno}, or {@code "unknown error N"}. */
    public static String description(int errno) {
        jnr.constants.platform.Errno e = lookup(errno);
        return e != null ? e.description() : "unknown error " + errno;
    }

    private static jnr.constants.platform.Errno lookup(int errno) {
        jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
        return e == null || e == jnr.constants.platform.Errno.__UNKNOWN_CONSTANT__ ? null : e;
    }
}
