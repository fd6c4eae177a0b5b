package dev.evpl.reactive.core.internal.nativeio;

/** Layout of {@code struct iovec} (16 bytes): {@code iov_base} at 0, {@code iov_len} at 8. */
public final class IoVec {
    private IoVec() {
    }

    public static final int SIZE = 16;

    public static void set(long array, int index, long base, long length) {
        long at = array + (long) index * SIZE;
        NativeMemory.putLong(at, base);
        NativeMemory.putLong(at + 8, length);
    }

    public static long base(long array, int index) {
        return NativeMemory.getLong(array + (long) index * SIZE);
    }

    public static long length(long array, int index) {
        return NativeMemory.getLong(array + (long) index * SIZE + 8);
    }
}
