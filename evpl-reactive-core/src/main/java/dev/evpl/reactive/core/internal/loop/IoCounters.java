package dev.evpl.reactive.core.internal.loop;

/**
 * Bytes a loop's transports moved, for metrics. Not API: transports add to the fields on the loop
 * thread (plain writes, nothing per byte beyond an add); {@code EventLoop.bytesReceived()/bytesSent()}
 * read them racily from any thread.
 */
public final class IoCounters {
    /** Bytes received from sockets. */
    public long received;
    /** Bytes written to sockets. */
    public long sent;
}
