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
    final SpinGovernor governor;
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

    PollMode(EventLoop loop, LoopConfig config) {
        this.loop = loop;
        this.governor = new SpinGovernor(config);
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

    /**
     * End of pass: enter polling while activity is recent (or pinned), leave it once the spin window
     * passed or the {@link SpinGovernor} finds the core shared.
     */
    void update(long now) {
        if (activity) {
            activity = false;
            if (!polling) {
                governor.wokeWithWork(now);
            }
            seenActivity = true;
            lastActivity = now;
        }
        boolean pollable = sources.length > 0 || handlerPollable;
        // A pin polls regardless; a loop that cannot poll has no spin to govern (and reads nothing).
        boolean shared = pins == 0 && pollable && governor.coreShared(now);
        boolean want = pollable && (pins > 0 || (seenActivity && governor.maySpin(now, lastActivity)));
        if (!want && polling && !shared && pins == 0 && pollable && now - lastActivity >= governor.window()) {
            governor.windowRanOut(now);
        }
        if (want != polling) {
            switchTo(want, now);
        }
    }

    private void switchTo(boolean on, long now) {
        polling = on;
        governor.pollingChanged(on, now);
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
            switchTo(false, loop.clock().nanoTime());
        }
        sources = NO_SOURCES;
        governor.close();
    }

    /** Nanoseconds in polling mode so far, the current stretch included. Any thread (racy). */
    long nanos() {
        long p = pollNanos;
        return polling ? p + (System.nanoTime() - pollingSince) : p;
    }
}
