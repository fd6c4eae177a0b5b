package dev.evpl.reactive.core.internal.nativeio;

/**
 * Layouts of {@code struct msghdr} (56 bytes) and {@code struct mmsghdr} (64 bytes: a msghdr and
 * {@code unsigned int msg_len} at 56), as used by sendmsg/recvmsg and sendmmsg/recvmmsg.
 */
public final class MsgHdr {
    private MsgHdr() {
    }

    public static final int SIZE = 56;
    public static final int MMSG_SIZE = 64;

    private static final int NAME = 0;
    private static final int NAME_LEN = 8;
    private static final int IOV = 16;
    private static final int IOV_LEN = 24;
    private static final int CONTROL = 32;
    private static final int CONTROL_LEN = 40;
    private static final int FLAGS = 48;
    private static final int MSG_LEN = 56;

    /** Fills a msghdr: peer address buffer (0 for none), iovec array, no control data. */
    public static void set(long hdr, long name, int nameLength, long iov, int iovCount) {
        NativeMemory.putLong(hdr + NAME, name);
        NativeMemory.putInt(hdr + NAME_LEN, nameLength);
        NativeMemory.putLong(hdr + IOV, iov);
        NativeMemory.putLong(hdr + IOV_LEN, iovCount);
        NativeMemory.putLong(hdr + CONTROL, 0);
        NativeMemory.putLong(hdr + CONTROL_LEN, 0);
        NativeMemory.putInt(hdr + FLAGS, 0);
    }

    /** The address length the kernel wrote back (recvmsg). */
    public static int nameLength(long hdr) {
        return NativeMemory.getInt(hdr + NAME_LEN);
    }

    /** The flags the kernel wrote back (recvmsg: MSG_TRUNC etc.). */
    public static int flags(long hdr) {
        return NativeMemory.getInt(hdr + FLAGS);
    }

    /** Address of element {@code i} of an mmsghdr array. */
    public static long mmsg(long array, int i) {
        return array + (long) i * MMSG_SIZE;
    }

    /** Bytes sent or received for mmsghdr element {@code i}. */
    public static int mmsgLength(long array, int i) {
        return NativeMemory.getInt(mmsg(array, i) + MSG_LEN);
    }
}
