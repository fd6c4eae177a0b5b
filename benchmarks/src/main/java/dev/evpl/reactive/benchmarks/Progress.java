package dev.evpl.reactive.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

/** For benchmarks whose work runs on loops: the benchmark thread waits for a counter to move on. */
final class Progress {
    private Progress() {
    }

    /** Spins until {@code counter} has grown by {@code n} from now; returns its value then. */
    static long await(AtomicLong counter, long n) {
        long want = counter.get() + n;
        long seen;
        while ((seen = counter.get()) < want) {
            Thread.onSpinWait();
        }
        return seen;
    }
}
