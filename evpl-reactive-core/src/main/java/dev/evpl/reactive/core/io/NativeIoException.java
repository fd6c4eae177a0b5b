package dev.evpl.reactive.core.io;


/**
 * A failed system call: which call, on what target, and the kernel's {@code errno}.
 *
 * <p>The message reads {@code "<call> <target>: <ERRNO_NAME> (<number>)"}, for example
 * {@code "connect 127.0.0.1:9: ECONNREFUSED (111)"}. Immutable and safe to share.
 */
public final class NativeIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final String target;
    private final int errno;

    private NativeIoException(String call, String target, int errno) {
        super(format(call, target, errno), null, false, true);
        this.call = call;
        this.target = target;
        this.errno = errno;
    }

    /**
     * Creates the exception for {@code call} on {@code target} (may be null or empty) failing with
     * {@code errno}.
     */
    public static NativeIoException of(String call, String target, int errno) {
        return new NativeIoException(call, target, errno);
    }

    private static String format(String call, String target, int errno) {
        StringBuilder sb = new StringBuilder(64).append(call);
        if (target != null && !target.isEmpty()) {
            sb.append(' ').append(target);
        }
        return sb.append(": ").append(Errno.name(errno)).append(" (").append(errno).append(')').toString();
    }

    /** The system call or library function that failed, e.g. {@code "connect"}. */
    public String call() {
        return call;
    }

    /** What the call acted on (an address, a path, a descriptor), or {@code null}. */
    public String target() {
        return target;
    }

    /** The kernel's error number. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code "ECONNREFUSED"}; {@code "errno N"} when unknown. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The C library's description of the errno, e.g. {@code "Connection refused"}. */
    public String description() {
        return Errno.description(errno);
    }
}
