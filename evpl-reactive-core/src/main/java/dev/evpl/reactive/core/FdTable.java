package dev.evpl.reactive.core;

import dev.evpl.reactive.core.internal.loop.IoReady;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import java.util.Arrays;

/**
 * The descriptors of one loop: a slot table (event tokens are {@code generation << 32 | slot}, so
 * a stale event for a reused slot is dropped) and the latched-ready list the pass walks.
 * Loop-confined. Registrations go to the loop's current I/O handler, which reports readiness back
 * through {@link #ready}.
 */
final class FdTable implements IoReady {
    private static final int FD_EVENTS = Linux.EPOLLIN | Linux.EPOLLOUT | Linux.EPOLLRDHUP | Linux.EPOLLET;
    private static final int READ_EVENTS = Linux.EPOLLIN | Linux.EPOLLPRI | Linux.EPOLLRDHUP | Linux.EPOLLHUP
            | Linux.EPOLLERR;
    private static final int WRITE_EVENTS = Linux.EPOLLOUT | Linux.EPOLLHUP | Linux.EPOLLERR;

    private final EventLoop loop;
    private FdEvent[] fdSlots = new FdEvent[16];
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int slotHigh;
    private int generation;
    private FdEvent[] latched = new FdEvent[16];
    private int latchedCount;

    FdTable(EventLoop loop) {
        this.loop = loop;
    }

    boolean hasLatched() {
        return latchedCount > 0;
    }

    FdEvent register(int fd, FdHandler handler, boolean read, boolean write) {
        int slot = freeCount > 0 ? freeSlots[--freeCount] : slotHigh++;
        if (slot == fdSlots.length) {
            fdSlots = Arrays.copyOf(fdSlots, slot * 2);
        }
        generation = generation == Integer.MAX_VALUE ? 1 : generation + 1;
        FdEvent ev = new FdEvent(loop, fd, handler, slot, generation, read, write);
        try {
            loop.ioHandler.register(fd, FD_EVENTS, ((long) generation << 32) | slot);
        } catch (RuntimeException e) {
            freeSlot(slot);
            throw e;
        }
        fdSlots[slot] = ev;
        return ev;
    }

    void remove(FdEvent ev) {
        ev.closed = true;
        fdSlots[ev.slot] = null;
        freeSlot(ev.slot);
        loop.ioHandler.cancel(ev.fd);
    }

    private void freeSlot(int slot) {
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    @Override
    public void ready(long token, int events) {
        int slot = (int) token;
        FdEvent ev = slot < fdSlots.length ? fdSlots[slot] : null;
        if (ev == null || ev.generation != (int) (token >>> 32)) {
            return; // removed earlier in this pass
        }
        if ((events & READ_EVENTS) != 0) {
            ev.readReady = true;
        }
        if ((events & WRITE_EVENTS) != 0) {
            ev.writeReady = true;
        }
        if ((events & (Linux.EPOLLRDHUP | Linux.EPOLLHUP | Linux.EPOLLERR)) != 0) {
            ev.hangup = true;
        }
        ev.relatch();
    }

    void latch(FdEvent ev) {
        ev.latched = true;
        if (latchedCount == latched.length) {
            latched = Arrays.copyOf(latched, latchedCount * 2);
        }
        latched[latchedCount++] = ev;
    }

    int runLatched() {
        int n = latchedCount;
        int kept = 0;
        int calls = 0;
        for (int i = 0; i < n; i++) {
            FdEvent ev = latched[i];
            latched[i] = null;
            try {
                if (!ev.closed && ev.readReady && ev.readInterest) {
                    calls++;
                    ev.handler.onReadable(ev);
                }
                if (!ev.closed && ev.writeReady && ev.writeInterest) {
                    calls++;
                    ev.handler.onWritable(ev);
                }
            } catch (Throwable t) {
                loop.reportTaskError(t);
            }
            if (ev.wantsCallback()) {
                latched[kept++] = ev;
            } else {
                ev.latched = false;
            }
        }
        // Entries latched by the callbacks above were appended after n: close the gap.
        int added = latchedCount - n;
        if (added > 0) {
            System.arraycopy(latched, n, latched, kept, added);
            Arrays.fill(latched, kept + added, latchedCount, null);
        }
        latchedCount = kept + added;
        return calls;
    }

    /** Marks every descriptor closed (the loop is being released; the handler goes with it). */
    void closeAll() {
        for (int i = 0; i < slotHigh; i++) {
            FdEvent ev = fdSlots[i];
            if (ev != null) {
                ev.closed = true;
                fdSlots[i] = null;
            }
        }
        Arrays.fill(latched, 0, latchedCount, null);
        latchedCount = 0;
    }
}
