package dev.evpl.reactive.core;

/**
 * Readiness events of a caller-owned, non-blocking descriptor on one loop (libevpl's fd events),
 * created by {@link EventLoop#addFd}. The loop never closes the descriptor.
 *
 * <p>The descriptor is registered once, edge-triggered, for both directions; readiness is latched
 * in this object and interest only decides whether the handler is called, so switching interest
 * costs no system call. With read interest off the loop stops reading and the kernel's buffer fills
 * (for TCP: the peer's window closes); switching it back on calls the handler again if data is still
 * waiting.
 *
 * <p>Thread-safety: loop-confined; call every method on the loop's thread.
 */
public final class FdEvent {
    final EventLoop loop;
    final int fd;
    final FdHandler handler;
    final int slot;
    final int generation;
    boolean readInterest;
    boolean writeInterest;
    boolean readReady;
    boolean writeReady;
    /** The kernel reported a hang-up or error (EPOLLRDHUP, EPOLLHUP, EPOLLERR); stays set. */
    boolean hangup;
    /** In the loop's latched-ready list. */
    boolean latched;
    boolean closed;

    FdEvent(EventLoop loop, int fd, FdHandler handler, int slot, int generation, boolean read, boolean write) {
        this.loop = loop;
        this.fd = fd;
        this.handler = handler;
        this.slot = slot;
        this.generation = generation;
        this.readInterest = read;
        this.writeInterest = write;
    }

    /** The descriptor. */
    public int fd() {
        return fd;
    }

    /** The loop this descriptor is registered with. */
    public EventLoop loop() {
        return loop;
    }

    /** Switches read interest on or off. */
    public void readInterest(boolean on) {
        loop.checkInLoop("FdEvent.readInterest");
        readInterest = on;
        relatch();
    }

    /** Switches write interest on or off. */
    public void writeInterest(boolean on) {
        loop.checkInLoop("FdEvent.writeInterest");
        writeInterest = on;
        relatch();
    }

    /** Whether read interest is on. */
    public boolean readInterest() {
        return readInterest;
    }

    /** Whether write interest is on. */
    public boolean writeInterest() {
        return writeInterest;
    }

    /** Reports that a read returned {@code EAGAIN}: no more read callbacks until the kernel says readable. */
    public void markUnreadable() {
        readReady = false;
    }

    /** Reports that a write returned {@code EAGAIN}: no more write callbacks until the kernel says writable. */
    public void markUnwritable() {
        writeReady = false;
    }

    /** Whether the descriptor is latched readable. */
    public boolean isReadable() {
        return readReady;
    }

    /**
     * Whether the kernel reported that the peer closed its side or the descriptor failed. A reader
     * that saw a short read may stop reading only when this is false: the end of stream that came
     * with the data raises no further edge.
     */
    public boolean isHangup() {
        return hangup;
    }

    /** Whether the descriptor is latched writable. */
    public boolean isWritable() {
        return writeReady;
    }

    /** Unregisters the descriptor from the loop (it is not closed); idempotent. */
    public void close() {
        loop.checkInLoop("FdEvent.close");
        if (!closed) {
            loop.removeFd(this);
        }
    }

    /** Whether {@link #close()} was called or the loop was closed. */
    public boolean isClosed() {
        return closed;
    }

    boolean wantsCallback() {
        return !closed && ((readReady && readInterest) || (writeReady && writeInterest));
    }

    void relatch() {
        if (!latched && wantsCallback()) {
            loop.latch(this);
        }
    }

    @Override
    public String toString() {
        return "FdEvent[fd=" + fd + ", read=" + readInterest + "/" + readReady + ", write=" + writeInterest + "/"
                + writeReady + (closed ? ", closed" : "") + ']';
    }
}
