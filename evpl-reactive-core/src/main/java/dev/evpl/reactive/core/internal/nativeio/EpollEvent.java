package dev.evpl.reactive.core.internal.nativeio;

/**
 * Layout of {@code struct epoll_event} on x86_64: <b>packed</b>, 12 bytes, {@code uint32_t events}
 * at 0 and {@code uint64_t data} at 4 (glibc declares it {@code __attribute__((packed))}).
 * Addresses point at the start of one element of a caller-owned array.
 */
public final class EpollEvent {
    private EpollEvent() {
    }

    public static final int SIZE = 12;
    public static final int EVENTS_OFFSET = 0;
    public static final int DATA_OFFSET = 4;

    public static int events(long array, int index) {
        return NativeMemory.getInt(array + (long) index * SIZE + EVENTS_OFFSET);
    }

    public static long data(long array, int index) {
        return NativeMemory.getLong(array + (long) index * SIZE + DATA_OFFSET);
    }

    public static void set(long address, int events, long data) {
        NativeMemory.putInt(address + EVENTS_OFFSET, events);
        NativeMemory.putLong(address + DATA_OFFSET, data);
    }
}
