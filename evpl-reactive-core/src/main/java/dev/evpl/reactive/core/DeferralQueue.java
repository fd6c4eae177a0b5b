package dev.evpl.reactive.core;

import java.util.Arrays;

/**
 * The deferrals armed in the current pass, run at its end. Two arrays swap so that deferrals armed
 * by a running deferral go to the next pass without allocating. Loop-confined.
 */
final class DeferralQueue {
    private Deferral[] queued = new Deferral[16];
    private Deferral[] spare = new Deferral[16];
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    void add(Deferral d) {
        if (count == queued.length) {
            queued = Arrays.copyOf(queued, count * 2);
        }
        queued[count++] = d;
    }

    /** Runs the armed ones; returns how many ran. */
    int run(EventLoop loop) {
        int n = count;
        if (n == 0) {
            return 0;
        }
        Deferral[] run = queued;
        queued = spare;
        spare = run;
        count = 0;
        int ran = 0;
        for (int i = 0; i < n; i++) {
            Deferral d = run[i];
            run[i] = null;
            d.queued = false;
            if (d.armed) {
                d.armed = false;
                ran++;
                try {
                    d.run();
                } catch (Throwable t) {
                    loop.reportTaskError(t);
                }
            }
        }
        return ran;
    }

    /** Forgets every queued deferral (the loop is released). */
    void clear() {
        Arrays.fill(queued, 0, count, null);
        count = 0;
    }
}
