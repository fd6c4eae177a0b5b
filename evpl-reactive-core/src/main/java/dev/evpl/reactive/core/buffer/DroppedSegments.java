package dev.evpl.reactive.core.buffer;

import reactor.core.publisher.Hooks;

/**
 * Releases a segment that a Reactor subscriber drops. The Reactive Streams rules let a signal
 * arrive after {@code cancel()} (a cancel from another thread races the loop's {@code onNext});
 * Reactor's subscribers hand such a value to {@link Hooks#onNextDropped}, not to the discard hook,
 * and by default only log it. The value was handed over, so nobody else owns it: without this
 * hook every such race leaks a pooled buffer (seen with {@code read(..).subscribe(..)} disposed at
 * random moments, {@code BlockCancelRaceTest}).
 *
 * <p>Installed once, when {@link Segment} is first loaded; Reactor chains it with any hook the
 * application installs. {@code Hooks.resetOnNextDropped()} removes it.
 */
final class DroppedSegments {
    private DroppedSegments() {
    }

    static void install() {
        Hooks.onNextDropped(DroppedSegments::release);
    }

    private static void release(Object dropped) {
        if (dropped instanceof Segment s && s.refCnt() > 0) {
            s.release();
        }
    }
}
