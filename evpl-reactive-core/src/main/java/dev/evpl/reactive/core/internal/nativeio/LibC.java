package dev.evpl.reactive.core.internal.nativeio;

import jnr.ffi.Pointer;

/**
 * The libc functions evpl calls, bound with JNR-FFI.
 *
 * <p>Hot signatures take raw {@code long} addresses of memory the caller owns (never Java objects
 * that JNR would convert into temporaries: jnr-ffi#358). Functions with six parameters declare one
 * of them as {@link Pointer}: with six primitive parameters JNR passes garbage in the sixth
 * (jnr-ffi#181). {@code NativeBindingsTest} calls every binding with six or more arguments.
 *
 * <p>Every call saves {@code errno}; read it with {@link Native#errno()} right after a call that
 * returned -1, on the same thread.
 */
public interface LibC {

    // --- epoll, eventfd ---------------------------------------------------------------------
    int epoll_create1(int flags);

    int epoll_ctl(int epfd, int op, int fd, long eventAddr);

    int epoll_wait(int epfd, long eventsAddr, int maxEvents, int timeoutMillis);

    /** Six parameters: {@code sigmask} is a {@link Pointer} to dodge jnr-ffi#181; pass null. */
    int epoll_pwait2(int epfd, long eventsAddr, int maxEvents, long timespecAddr, Pointer sigmask, long sigsetSize);

    int eventfd(int initval, int flags);

    // --- files and descriptors ----------------------------------------------------------------
    int open(long pathAddr, int flags, int mode);

    int close(int fd);

    int dup(int fd);

    long lseek(int fd, long offset, int whence);

    int fsync(int fd);

    int fdatasync(int fd);

    int fallocate(int fd, int mode, long offset, long len);

    /** {@code rlimAddr}: a {@code struct rlimit} (two unsigned 64-bit values: soft, hard). */
    int getrlimit(int resource, long rlimAddr);

    int setrlimit(int resource, long rlimAddr);

    int pipe2(long fdsAddr, int flags);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    long readv(int fd, long iovAddr, int iovCount);

    long writev(int fd, long iovAddr, int iovCount);

    long pread(int fd, long buf, long count, long offset);

    long pwrite(int fd, long buf, long count, long offset);

    int fcntl(int fd, int cmd, int arg);

    // --- sockets -------------------------------------------------------------------------------
    int socket(int domain, int type, int protocol);

    int socketpair(int domain, int type, int protocol, long fdsAddr);

    int bind(int fd, long addr, int addrLen);

    int listen(int fd, int backlog);

    int accept4(int fd, long addr, long addrLenAddr, int flags);

    int connect(int fd, long addr, int addrLen);

    int getsockopt(int fd, int level, int name, long valueAddr, long valueLenAddr);

    int setsockopt(int fd, int level, int name, long valueAddr, int valueLen);

    int getsockname(int fd, long addr, long addrLenAddr);

    int getpeername(int fd, long addr, long addrLenAddr);

    int shutdown(int fd, int how);

    long recvmsg(int fd, long msghdrAddr, int flags);

    long sendmsg(int fd, long msghdrAddr, int flags);

    int recvmmsg(int fd, long mmsghdrAddr, int vlen, int flags, long timespecAddr);

    int sendmmsg(int fd, long mmsghdrAddr, int vlen, int flags);

    // --- memory --------------------------------------------------------------------------------
    /** Six parameters: {@code addr} is a {@link Pointer} to dodge jnr-ffi#181; pass null. */
    long mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(long addr, long length);

    // --- raw system calls (io_uring_setup/enter/register and others glibc does not wrap) --------
    long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    /**
     * A raw system call of up to five arguments whose fifth is a pointer (pass null): six
     * parameters, so JNR invokes it through its fast path (the seven-parameter form above goes
     * through argument buffers: several times the cost). The sixth system-call argument is left
     * unset, for calls that ignore it: {@code io_uring_enter} without {@code EXT_ARG} and with
     * a null {@code argp}. {@code a5} is a {@link Pointer} to dodge jnr-ffi#181.
     */
    long syscall(long number, long a1, long a2, long a3, long a4, Pointer a5);

    // --- threads and processes -----------------------------------------------------------------
    int sched_setaffinity(int pid, long cpuSetSize, long maskAddr);

    int sched_getaffinity(int pid, long cpuSetSize, long maskAddr);

    int sched_getcpu();

    int getpid();

    /** Five parameters; used for {@code PR_SET_TIMERSLACK} on loop threads. */
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);
}
