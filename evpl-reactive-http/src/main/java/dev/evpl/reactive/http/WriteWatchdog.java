package dev.evpl.reactive.http;

import dev.evpl.reactive.core.bind.Bind;

/**
 * A connection's write watchdog (nginx's {@code send_timeout}): while response bytes wait
 * unwritten, each {@code writeTimeout} must have seen some of them leave, or the client is not
 * reading. Watches across exchanges, since a pipelined response may still be queued while the
 * connection already waits for the next request. Checks are lazy: the owner's timer fires at
 * {@link #checkAt()} and calls {@link #check}. Loop-confined (the owning connection's loop).
 */
final class WriteWatchdog {
    private final Bind bind;
    private final long timeoutNanos;
    /** When the next check is due (loop clock), 0 when nothing is watched. */
    private long checkAt;
    private long sentAtCheck;

    WriteWatchdog(Bind bind, long timeoutNanos) {
        this.bind = bind;
        this.timeoutNanos = timeoutNanos;
    }

    /** An exchange starts at {@code now}: starts a watch unless one over earlier responses goes on. */
    void exchangeStarted(long now) {
        if (checkAt == 0) {
            checkAt = now + timeoutNanos;
            sentAtCheck = bind.bytesSent();
        }
    }

    /** When the next check is due (loop clock), 0 for none. */
    long checkAt() {
        return checkAt;
    }

    /**
     * Runs the check if due at {@code now}: true when bytes wait and none left since the last
     * check (the connection should close). {@code producing} says a response is still being made,
     * which keeps the watch on even with nothing queued yet.
     */
    boolean stalled(long now, boolean producing) {
        if (checkAt == 0 || now - checkAt < 0) {
            return false;
        }
        long sent = bind.bytesSent();
        boolean unwritten = bind.sendBacklog() > 0;
        if (unwritten && sent == sentAtCheck) {
            return true;
        }
        if (unwritten || producing) {
            sentAtCheck = sent;
            checkAt = now + timeoutNanos;
        } else {
            checkAt = 0; // everything answered is written: the next exchange starts a new watch
        }
        return false;
    }
}
