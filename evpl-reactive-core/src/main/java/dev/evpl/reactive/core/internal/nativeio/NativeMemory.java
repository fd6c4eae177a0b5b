package dev.evpl.reactive.core.internal.nativeio;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;

/**
 * Raw off-heap memory: allocation and primitive access by address (native byte order).
 *
 * <p>Backed by jffi's {@link MemoryIO}, which uses {@code Unsafe} where available. No bounds are
 * checked here: callers own the layout (see {@link EpollEvent}, {@link SockAddr}). Memory from
 * {@link #allocate} is never moved or collected; free it exactly once with {@link #free}.
 */
public final class NativeMemory {
    private static final MemoryIO IO = MemoryIO.getInstance();

    private NativeMemory() {
    }

    /** Allocates {@code size} zeroed bytes; throws {@link OutOfMemoryError} when none is left. */
    public static long allocate(long size) {
        long address = IO.allocateMemory(size, true);
        if (address == 0) {
            throw new OutOfMemoryError("native allocation of " + size + " bytes failed");
        }
        return address;
    }

    /** Frees memory from {@link #allocate}; a zero address is ignored. */
    public static void free(long address) {
        if (address != 0) {
            IO.freeMemory(address);
        }
    }

    public static byte getByte(long address) {
        return IO.getByte(address);
    }

    public static void putByte(long address, byte value) {
        IO.putByte(address, value);
    }

    public static short getShort(long address) {
        return IO.getShort(address);
    }

    public static void putShort(long address, short value) {
        IO.putShort(address, value);
    }

    public static int getInt(long address) {
        return IO.getInt(address);
    }

    public static void putInt(long address, int value) {
        IO.putInt(address, value);
    }

    public static long getLong(long address) {
        return IO.getLong(address);
    }

    public static void putLong(long address, long value) {
        IO.putLong(address, value);
    }

    public static void zero(long address, long size) {
        IO.setMemory(address, size, (byte) 0);
    }

    public static void copy(long from, long to, long size) {
        IO.copyMemory(from, to, size);
    }

    public static void put(long address, byte[] bytes, int offset, int length) {
        IO.putByteArray(address, bytes, offset, length);
    }

    public static void get(long address, byte[] bytes, int offset, int length) {
        IO.getByteArray(address, bytes, offset, length);
    }

    /** A direct {@link ByteBuffer} view of {@code capacity} bytes at {@code address} (no copy). */
    public static ByteBuffer view(long address, int capacity) {
        return IO.newDirectByteBuffer(address, capacity);
    }

    /** The address of a direct buffer's first byte. */
    public static long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return IO.getDirectBufferAddress(direct);
    }
}
