package dev.evpl.reactive.core.internal.uring;

import dev.evpl.reactive.core.internal.loop.EpollIoHandler;
import dev.evpl.reactive.core.internal.loop.IoHandler;
import dev.evpl.reactive.core.internal.loop.IoReady;

/**
 * The io_uring {@link IoHandler}: the loop waits in its ring's {@code io_uring_enter} (which also
 * submits the pass's operations), and the epoll set, for descriptors on epoll and the wake eventfd,
 * is one of the ring's polled files: it is read, without waiting, only in a pass that checked the
 * kernel and where its poll completed. Registrations and wake-ups go to that epoll set. Loop-confined, except
 * {@link #wakeup()}.
 */
final class RingIoHandler implements IoHandler {
    private final EpollIoHandler epoll;
    private final LoopRing ring;
    /** Whether this pass made the kernel wait: only such a pass reads the epoll set (a polling pass reads memory only). */
    private boolean awaited;
    /** Whether the epoll set is ready: its poll completed (or a read filled the array) since the last look. */
    private boolean epollReady;
    private static final int POLLIN = 1;

    /** Becomes {@code ring}'s wait: arms the poll of the epoll set. Loop thread. */
    RingIoHandler(EpollIoHandler epoll, LoopRing ring) {
        this.epoll = epoll;
        this.ring = ring;
        armEpollPoll();
    }

    /** A multishot poll of the epoll descriptor; each completion says "epoll has events". */
    private void armEpollPoll() {
        ring.submitMultishot((sqe, user) -> UringOps.pollMultishot(sqe, epoll.fd(), POLLIN, user),
                (res, flags) -> {
                    epollReady = true;
                    if ((flags & LoopRing.CQE_F_MORE) == 0 && !ring.isClosed()) {
                        armEpollPoll(); // the kernel ended it (or it failed): poll again
                    }
                });
    }

    @Override
    public void register(int fd, int events, long token) {
        epoll.register(fd, events, token);
    }

    @Override
    public void modify(int fd, int events, long token) {
        epoll.modify(fd, events, token);
    }

    @Override
    public void cancel(int fd) {
        epoll.cancel(fd);
    }

    @Override
    public int await(long timeoutNanos) {
        awaited = true;
        // Something ready already (a completion, or epoll readiness): look, do not sleep.
        ring.enterAndWait(epollReady || ring.hasCompletions() ? 0 : timeoutNanos);
        return 0;
    }

    @Override
    public int process(IoReady ready) {
        // Completions first: the epoll set's own poll is one of them. Its readiness waits for a pass
        // that checks the kernel (every pollIterations passes while polling), as under epoll.
        int work = ring.reap();
        boolean kernelPass = awaited;
        awaited = false;
        if (kernelPass && epollReady) {
            int n = epoll.await(0);
            // A full array means more may be ready: look again next pass.
            epollReady = n == epoll.maxEvents();
            work += epoll.process(ready);
        }
        return work;
    }

    @Override
    public boolean pollable() {
        return true;
    }

    @Override
    public void wakeup() {
        epoll.wakeup(); // the wake eventfd is in the epoll set, whose poll completes the ring's wait
    }

    @Override
    public void close() {
        epoll.close();
    }
}
