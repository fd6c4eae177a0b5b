package dev.evpl.reactive.core.internal.nativeio;

import java.nio.charset.StandardCharsets;

/**
 * The calling thread's scheduler accounting, from {@code /proc/thread-self/schedstat}: nanoseconds
 * run on a CPU and nanoseconds spent runnable but waiting for one (the run-queue delay). The
 * second is exactly "another thread had my core while I wanted it", whatever the reason the thread
 * was awake; sleeping in the kernel counts in neither.
 *
 * <p>Owned by the thread that {@linkplain #openForCurrentThread() opened} it (the file describes
 * that thread); {@link #read()} is one {@code pread} of a few bytes, parsed without allocating.
 */
public final class ThreadSchedStat implements AutoCloseable {
    private static final int BUFFER = 96;

    private final int fd;
    private final long buffer;
    private long runNanos;
    private long waitNanos;
    private boolean closed;

    private ThreadSchedStat(int fd) {
        this.fd = fd;
        this.buffer = NativeMemory.allocate(BUFFER);
    }

    /** Opens the calling thread's schedstat, or returns null where the kernel has none (no CONFIG_SCHED_INFO). */
    public static ThreadSchedStat openForCurrentThread() {
        byte[] name = "/proc/thread-self/schedstat".getBytes(StandardCharsets.US_ASCII);
        long path = NativeMemory.allocate(name.length + 1L);
        int fd;
        try {
            NativeMemory.put(path, name, 0, name.length);
            NativeMemory.putByte(path + name.length, (byte) 0);
            fd = Native.LIBC.open(path, Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        } finally {
            NativeMemory.free(path);
        }
        if (fd < 0) {
            return null;
        }
        ThreadSchedStat stat = new ThreadSchedStat(fd);
        if (!stat.read()) {
            stat.close();
            return null;
        }
        return stat;
    }

    /** Reads the counters again; false if the file could not be read or parsed (they keep their old values). */
    public boolean read() {
        if (closed) {
            return false;
        }
        long n = Native.LIBC.pread(fd, buffer, BUFFER, 0);
        if (n <= 0) {
            return false;
        }
        // "<run ns> <wait ns> <timeslices>\n"
        long run = 0;
        long wait = 0;
        int field = 0;
        boolean digits = false;
        for (long i = 0; i < n && field < 2; i++) {
            byte b = NativeMemory.getByte(buffer + i);
            if (b >= '0' && b <= '9') {
                if (field == 0) {
                    run = run * 10 + (b - '0');
                } else {
                    wait = wait * 10 + (b - '0');
                }
                digits = true;
            } else if (digits) {
                field++;
                digits = false;
            }
        }
        if (field < 2 && !digits) {
            return false;
        }
        runNanos = run;
        waitNanos = wait;
        return true;
    }

    /** Nanoseconds the thread ran, as of the last {@link #read()}. */
    public long runNanos() {
        return runNanos;
    }

    /** Nanoseconds the thread was runnable and waited for a CPU, as of the last {@link #read()}. */
    public long waitNanos() {
        return waitNanos;
    }

    /** Closes the file; idempotent. Owner thread only. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.LIBC.close(fd);
            NativeMemory.free(buffer);
        }
    }
}
