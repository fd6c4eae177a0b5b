package dev.evpl.reactive.core;

import java.util.Arrays;
import reactor.core.Disposable;

/**
 * The hybrid event/poll state of one loop: its poll sources, pins and the spin window that decides
 * when the loop stops sleeping in the kernel and when it goes back to sleeping. Loop-confined;
 * {@link #polling} and the time counters are read racily by metrics on other threads.
 */
final class PollMode {
    private static final PollSource[] NO_SOURCES = new PollSource[0];

    private final EventLoop loop;
    private final long spinNanos;
    private PollSource[] sources = NO_SOURCES;
    private int pins;
    /** Whether the loop's I/O handler can be polled from memory (a completion queue). */
    boolean handlerPollable;
    volatile boolean polling;
    /** Set by {@link EventLoop#reportActivity()}: a plain write per completion. */
    boolean activity;
    private boolean seenActivity;
    private long lastActivity;
    /** Passes since the last kernel check while polling. */
    int passes;
    /** Metrics: time in polling mode before the current stretch, and that stretch's start. */
    long pollNanos;
    long pollingSince;

    PollMode(EventLoop loop, long spinNanos) {
        this.loop = loop;
        this.spinNanos = spinNanos;
    }

    Disposable add(PollSource source) {
        PollSource[] grown = Arrays.copyOf(sources, sources.length + 1);
        grown[sources.length] = source;
        sources = grown;
        if (polling) {
            source.enter();
        }
        return new OnLoopDisposable(loop, () -> {
            PollSource[] old = sources;
            int at = Arrays.asList(old).indexOf(source);
            if (at >= 0) {
                PollSource[] shrunk = new PollSource[old.length - 1];
                System.arraycopy(old, 0, shrunk, 0, at);
                System.arraycopy(old, at + 1, shrunk, at, old.length - at - 1);
                sources = shrunk.length == 0 ? NO_SOURCES : shrunk;
                if (polling) {
                    source.exit();
                }
            }
        });
    }

    Disposable pin() {
        pins++;
        return new OnLoopDisposable(loop, () -> pins--);
    }

    /** Polls every source (polling passes only); an exception of one does not keep the others from polling. */
    int pollSources() {
        int work = 0;
        for (PollSource source : sources) {
            try {
                work += source.poll();
            } catch (Throwable t) {
                loop.reportTaskError(t);
            }
        }
        return work;
    }

    /** End of pass: enter polling while activity is recent (or pinned), leave it once the spin window passed. */
    void update(long now) {
        if (activity) {
            activity = false;
            seenActivity = true;
            lastActivity = now;
        }
        boolean want = (sources.length > 0 || handlerPollable)
                && (pins > 0 || (spinNanos > 0 && seenActivity && now - lastActivity < spinNanos));
        if (want != polling) {
            switchTo(want);
        }
    }

    private void switchTo(boolean on) {
        polling = on;
        passes = 0;
        long t = System.nanoTime(); // wall-clock, not the loop's clock: a metric
        if (on) {
            pollingSince = t;
        } else {
            pollNanos += t - pollingSince;
        }
        for (PollSource source : sources) {
            try {
                if (on) {
                    source.enter();
                } else {
                    source.exit();
                }
            } catch (Throwable e) {
                loop.reportTaskError(e);
            }
        }
    }

    /** The loop is released: leave polling, forget the sources. */
    void close() {
        if (polling) {
            switchTo(false);
        }
        sources = NO_SOURCES;
    }

    /** Nanoseconds in polling mode so far, the current stretch included. Any thread (racy). */
    long nanos() {
        long p = pollNanos;
        return polling ? p + (System.nanoTime() - pollingSince) : p;
    }
}
