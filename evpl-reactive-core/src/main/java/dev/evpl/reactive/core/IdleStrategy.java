package dev.evpl.reactive.core;

/**
 * What a loop does between two passes while it is polling (hybrid event/poll mode) and a pass found
 * nothing to do. Only consulted while polling: a loop that is not polling sleeps in the kernel.
 *
 * <p>Implementations are called on the loop thread only and must not block (BlockHound checks it).
 */
@FunctionalInterface
public interface IdleStrategy {

    /**
     * Called after each polling pass with the amount of work that pass did (completions, events,
     * tasks); 0 means the pass was empty.
     */
    void idle(int workCount);

    /** Spins with {@link Thread#onSpinWait()}: lowest latency, one core fully used while polling. */
    static IdleStrategy busySpin() {
        return IdleStrategies.BUSY_SPIN;
    }

    /** Does nothing between passes. */
    static IdleStrategy noOp() {
        return IdleStrategies.NO_OP;
    }

    /**
     * Yields the CPU ({@link Thread#yield()}) after an empty pass: lets another thread of the same
     * core run, at some latency cost. Recommended when loops outnumber cores.
     */
    static IdleStrategy yielding() {
        return IdleStrategies.YIELDING;
    }
}

/** The built-in strategies; named so {@code EvplBlockHoundIntegration} can allow {@link Thread#yield()}. */
enum IdleStrategies implements IdleStrategy {
    BUSY_SPIN {
        @Override
        public void idle(int workCount) {
            if (workCount == 0) {
                Thread.onSpinWait();
            }
        }
    },
    NO_OP {
        @Override
        public void idle(int workCount) {
        }
    },
    YIELDING {
        @Override
        public void idle(int workCount) {
            if (workCount == 0) {
                Thread.yield();
            }
        }
    };

    @Override
    public String toString() {
        return "IdleStrategy." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
