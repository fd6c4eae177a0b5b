package dev.evpl.reactive.core.internal.uring;

import dev.evpl.reactive.core.internal.nativeio.NativeMemory;

/**
 * The one place that knows io_uring's opcodes and SQE layout beyond the common fields: a typed
 * preparer per operation the project submits. Callers fill an SQE the ring handed them
 * ({@link LoopRing.Prep}); nothing else writes raw SQE fields or opcode numbers.
 *
 * <p>SQE layout (struct io_uring_sqe, 64 bytes): opcode u8 @0, flags u8 @1, ioprio u16 @2, fd s32
 * @4, off u64 @8, addr u64 @16, len u32 @24, op flags u32 @28, user_data u64 @32, buf_index /
 * buf_group u16 @40. The ring zeroes an SQE before handing it out. Stateless; any thread.
 */
public final class UringOps {
    public static final byte OP_NOP = 0;
    public static final byte OP_READV = 1;
    public static final byte OP_WRITEV = 2;
    public static final byte OP_FSYNC = 3;
    public static final byte OP_READ_FIXED = 4;
    public static final byte OP_WRITE_FIXED = 5;
    static final byte OP_POLL_ADD = 6;
    static final byte OP_SENDMSG = 9;
    static final byte OP_ACCEPT = 13;
    static final byte OP_ASYNC_CANCEL = 14;
    public static final byte OP_FALLOCATE = 17;
    public static final byte OP_READ = 22;
    public static final byte OP_WRITE = 23;
    static final byte OP_SEND = 26;
    static final byte OP_RECV = 27;
    static final byte OP_SENDMSG_ZC = 48;

    /** {@code IORING_FSYNC_DATASYNC}. */
    public static final int FSYNC_DATASYNC = 1;
    /** SQE flag {@code IOSQE_FIXED_FILE}: the fd field is a registered-file index. */
    private static final byte SQE_FIXED_FILE = 1;
    /** SQE flag {@code IOSQE_BUFFER_SELECT}: the kernel picks a buffer of {@code buf_group}. */
    private static final byte SQE_BUFFER_SELECT = 1 << 5;
    /** ioprio of ACCEPT: {@code IORING_ACCEPT_MULTISHOT}. */
    private static final short ACCEPT_MULTISHOT = 1;
    /** ioprio of RECV: {@code IORING_RECV_MULTISHOT}. */
    private static final short RECV_MULTISHOT = 1 << 1;
    /** len of POLL_ADD: {@code IORING_POLL_ADD_MULTI}. */
    private static final int POLL_ADD_MULTI = 1;
    private static final int MSG_NOSIGNAL = 0x4000;

    /** CQE flag {@code IORING_CQE_F_BUFFER}: the upper 16 bits of flags name the provided buffer. */
    public static final int CQE_F_BUFFER = 1;
    /** CQE flag {@code IORING_CQE_F_MORE}: a multishot operation stays armed. */
    public static final int CQE_F_MORE = 1 << 1;
    /** CQE flag {@code IORING_CQE_F_NOTIF}: a zero-copy send's notification (its memory is free). */
    public static final int CQE_F_NOTIF = 1 << 3;

    private UringOps() {
    }

    /** The common fields: opcode, fd, address, length, file offset, op flags, user data. */
    public static void prep(long sqe, byte opcode, int fd, long addr, int len, long offset, int opFlags, long userData) {
        IoUring.prep(sqe, opcode, fd, addr, len, offset, opFlags, userData);
    }

    /** Marks an SQE whose fd field holds a registered-file index. */
    public static void fixedFile(long sqe) {
        NativeMemory.putByte(sqe + 1, (byte) (NativeMemory.getByte(sqe + 1) | SQE_FIXED_FILE));
    }

    /** The registered-buffer index of a READ_FIXED / WRITE_FIXED. */
    public static void bufIndex(long sqe, int index) {
        NativeMemory.putShort(sqe + 40, (short) index);
    }

    /** A no-op (tests, wake-ups). */
    public static void nop(long sqe, long userData) {
        prep(sqe, OP_NOP, -1, 0, 0, 0, 0, userData);
    }

    /** WRITEV of {@code count} iovecs at {@code iov} (a stream socket: no offset). */
    public static void writev(long sqe, int fd, long iov, int count, long userData) {
        prep(sqe, OP_WRITEV, fd, iov, count, 0, 0, userData);
    }

    /**
     * SEND of one buffer, without SIGPIPE: the socket's own send path, no iovec to import (cheaper
     * than a one-entry WRITEV, which goes through the file layer).
     */
    public static void send(long sqe, int fd, long addr, int len, long userData) {
        prep(sqe, OP_SEND, fd, addr, len, 0, MSG_NOSIGNAL, userData);
    }

    /** SENDMSG of one msghdr (its iovecs gathered), without SIGPIPE. */
    public static void sendmsg(long sqe, int fd, long msghdr, long userData) {
        prep(sqe, OP_SENDMSG, fd, msghdr, 1, 0, MSG_NOSIGNAL, userData);
    }

    /** SENDMSG_ZC of one msghdr, without SIGPIPE: a result CQE, then a NOTIF CQE when the memory is free. */
    public static void sendmsgZeroCopy(long sqe, int fd, long msghdr, long userData) {
        prep(sqe, OP_SENDMSG_ZC, fd, msghdr, 1, 0, MSG_NOSIGNAL, userData);
    }

    /** One RECV of at most {@code len} bytes into {@code addr}. */
    public static void recv(long sqe, int fd, long addr, int len, long userData) {
        prep(sqe, OP_RECV, fd, addr, len, 0, 0, userData);
    }

    /** A multishot RECV into buffers the kernel picks from provided-buffer group {@code group}. */
    public static void recvMultishot(long sqe, int fd, int group, long userData) {
        prep(sqe, OP_RECV, fd, 0, 0, 0, 0, userData);
        NativeMemory.putByte(sqe + 1, (byte) (NativeMemory.getByte(sqe + 1) | SQE_BUFFER_SELECT));
        NativeMemory.putShort(sqe + 2, RECV_MULTISHOT);
        NativeMemory.putShort(sqe + 40, (short) group);
    }

    /** A multishot ACCEPT on a listening socket (no peer address asked: it is read once accepted). */
    public static void acceptMultishot(long sqe, int fd, int acceptFlags, long userData) {
        prep(sqe, OP_ACCEPT, fd, 0, 0, 0, acceptFlags, userData);
        NativeMemory.putShort(sqe + 2, ACCEPT_MULTISHOT);
    }

    /** ASYNC_CANCEL of the operation submitted with {@code target} as its user data. */
    public static void cancel(long sqe, long target, long userData) {
        prep(sqe, OP_ASYNC_CANCEL, -1, target, 0, 0, 0, userData);
    }

    /** A multishot POLL_ADD for {@code events} (poll(2) bits) on {@code fd}. */
    public static void pollMultishot(long sqe, int fd, int events, long userData) {
        prep(sqe, OP_POLL_ADD, fd, 0, POLL_ADD_MULTI, 0, events, userData);
    }

    /** READ / READ_FIXED ({@code bufIndex >= 0}) of {@code len} bytes at file {@code offset}. */
    public static void read(long sqe, int fd, long addr, int len, long offset, int bufIndex, long userData) {
        prep(sqe, bufIndex >= 0 ? OP_READ_FIXED : OP_READ, fd, addr, len, offset, 0, userData);
        if (bufIndex >= 0) {
            bufIndex(sqe, bufIndex);
        }
    }

    /** WRITE / WRITE_FIXED ({@code bufIndex >= 0}) of {@code len} bytes at file {@code offset}. */
    public static void write(long sqe, int fd, long addr, int len, long offset, int bufIndex, long userData) {
        prep(sqe, bufIndex >= 0 ? OP_WRITE_FIXED : OP_WRITE, fd, addr, len, offset, 0, userData);
        if (bufIndex >= 0) {
            bufIndex(sqe, bufIndex);
        }
    }

    /** FSYNC, data only ({@code fdatasync}) when asked. */
    public static void fsync(long sqe, int fd, boolean dataOnly, long userData) {
        prep(sqe, OP_FSYNC, fd, 0, 0, 0, dataOnly ? FSYNC_DATASYNC : 0, userData);
    }

    /** FALLOCATE: the kernel takes the length in addr and the mode in len. */
    public static void fallocate(long sqe, int fd, int mode, long offset, long length, long userData) {
        prep(sqe, OP_FALLOCATE, fd, length, mode, offset, 0, userData);
    }
}
