package dev.evpl.reactive.core.internal.nativeio;

/** Layout of {@code struct timespec} (16 bytes): {@code tv_sec} at 0, {@code tv_nsec} at 8. */
public final class Timespec {
    private Timespec() {
    }

    public static final int SIZE = 16;

    public static void set(long address, long nanos) {
        NativeMemory.putLong(address, nanos / 1_000_000_000L);
        NativeMemory.putLong(address + 8, nanos % 1_000_000_000L);
    }

    public static long nanos(long address) {
        return NativeMemory.getLong(address) * 1_000_000_000L + NativeMemory.getLong(address + 8);
    }
}
