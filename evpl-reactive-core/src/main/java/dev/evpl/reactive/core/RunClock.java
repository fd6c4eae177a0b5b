package dev.evpl.reactive.core;

import dev.evpl.reactive.core.internal.nativeio.ThreadSchedStat;

/**
 * A thread's time on a CPU and waiting for one, read by that thread (its loop's
 * {@link SpinGovernor}). Tests plug in fakes.
 */
interface RunClock {
    /** Refreshes the values; false when they could not be read. */
    boolean read();

    /** Nanoseconds run, as of the last read. */
    long run();

    /** Nanoseconds runnable but waiting for a CPU, as of the last read. */
    long waited();

    /** Releases what the clock holds. */
    default void close() {
    }

    /** The calling thread's {@code /proc/thread-self/schedstat}, or null where the kernel gives none. */
    static RunClock openForCurrentThread() {
        ThreadSchedStat stat = ThreadSchedStat.openForCurrentThread();
        return stat == null ? null : new SchedStat(stat);
    }

    /** The schedstat-backed clock. */
    final class SchedStat implements RunClock {
        private final ThreadSchedStat stat;

        SchedStat(ThreadSchedStat stat) {
            this.stat = stat;
        }

        @Override
        public boolean read() {
            return stat.read();
        }

        @Override
        public long run() {
            return stat.runNanos();
        }

        @Override
        public long waited() {
            return stat.waitNanos();
        }

        @Override
        public void close() {
            stat.close();
        }
    }
}
