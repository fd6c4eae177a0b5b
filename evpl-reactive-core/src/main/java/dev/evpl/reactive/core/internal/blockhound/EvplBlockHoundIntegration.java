package dev.evpl.reactive.core.internal.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Teaches BlockHound about evpl, found through {@code ServiceLoader} when BlockHound is installed.
 *
 * <p>Loop threads implement {@link reactor.core.scheduler.NonBlocking}, which Reactor's own
 * integration already treats as non-blocking; this one makes that explicit (so it holds whatever
 * integrations are loaded) and allows the calls that look blocking but are by design: the idle
 * strategies' {@link Thread#onSpinWait()} and {@link Thread#yield()}, and the class loading and one-time JNR
 * initialisation that a loop's first native call may trigger.
 */
public final class EvplBlockHoundIntegration implements BlockHoundIntegration {
    private static final String LOOP_THREAD = "dev.evpl.reactive.core.LoopThread";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.nonBlockingThreadPredicate(current -> current.or(EvplBlockHoundIntegration::isLoopThread));
        // BlockHound counts Thread.onSpinWait() and Thread.yield() as blocking; a polling loop's idle
        // strategy and the release's wait for in-flight wakers spin on purpose, for nanoseconds.
        for (int i = 1; i <= 3; i++) {
            builder.allowBlockingCallsInside("dev.evpl.reactive.core.IdleStrategies$" + i, "idle");
        }
        builder.allowBlockingCallsInside("dev.evpl.reactive.core.LoopCore", "release");
        builder.allowBlockingCallsInside("dev.evpl.reactive.core.internal.nativeio.Native", "<clinit>");
    }

    private static boolean isLoopThread(Thread t) {
        return t.getClass().getName().equals(LOOP_THREAD);
    }

    @Override
    public String toString() {
        return "EvplBlockHoundIntegration";
    }
}
