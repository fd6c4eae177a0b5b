package dev.evpl.reactive.core.internal.nativeio;

import dev.evpl.reactive.core.io.NativeIoException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;

/**
 * The process-wide libc binding and its error helpers.
 *
 * <p>Thread-safety: all static members are safe from any thread; {@link #errno()} reads the value
 * saved by the last call made on the calling thread.
 */
public final class Native {

    /** The libc binding, loaded eagerly so a missing symbol fails at class initialisation. */
    public static final LibC LIBC = LibraryLoader.create(LibC.class)
            .option(LibraryOption.LoadNow, Boolean.TRUE)
            .failImmediately()
            .load("c");

    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {
    }

    /** The JNR runtime of {@link #LIBC}. */
    public static Runtime runtime() {
        return RUNTIME;
    }

    /** The errno saved by the last native call made on this thread. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /** An exception for the last failed call on this thread. */
    public static NativeIoException error(String call, String target) {
        return NativeIoException.of(call, target, errno());
    }

    /** Returns {@code result}, or throws naming the call and errno when it is negative. */
    public static int check(int result, String call, String target) {
        if (result < 0) {
            throw error(call, target);
        }
        return result;
    }

    /** Returns {@code result}, or throws naming the call and errno when it is negative. */
    public static long check(long result, String call, String target) {
        if (result < 0) {
            throw error(call, target);
        }
        return result;
    }

    /**
     * For raw system calls that return {@code -errno} (io_uring and {@code syscall()} wrappers
     * return -1 and set errno; CQEs carry {@code -errno} in {@code res}): throws when negative.
     */
    public static long checkNegErrno(long result, String call, String target) {
        if (result < 0) {
            throw NativeIoException.of(call, target, (int) -result);
        }
        return result;
    }
}
