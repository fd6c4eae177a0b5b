package dev.evpl.reactive.core;

/**
 * Callbacks of an {@link FdEvent}; both run on the loop thread and must not block.
 *
 * <p>Readiness is latched: {@link #onReadable} is called every pass while the descriptor is
 * readable and read interest is on, until the handler reports {@link FdEvent#markUnreadable()}
 * (after a read returned {@code EAGAIN}); likewise for writes. A hang-up or error makes the
 * descriptor both readable and writable so that the next read or write reports it.
 */
public interface FdHandler {

    /** The descriptor is readable (or hung up / in error). */
    void onReadable(FdEvent event);

    /** The descriptor is writable (or in error); the default does nothing. */
    default void onWritable(FdEvent event) {
        event.markUnwritable();
    }
}
