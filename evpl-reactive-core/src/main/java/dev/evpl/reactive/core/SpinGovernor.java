package dev.evpl.reactive.core;

/**
 * The adaptive half of the hybrid event/poll mode: how long a loop may spin after its last
 * activity, and whether it may spin at all right now. Two rules, both measured on the loop thread:
 *
 * <ul>
 *   <li><b>Window.</b> A spin window that ran out without work halves the window (down to
 *       {@link LoopConfig#spinMin()}); work that wakes the loop within {@link LoopConfig#spin()} of
 *       it having gone to sleep doubles it again (up to {@code spin}). Sporadic traffic then costs
 *       a short spin per message instead of a whole window; steady traffic never lets the window run
 *       out, so it keeps the full one.</li>
 *   <li><b>Core share.</b> Every {@value #SAMPLE_NANOS} ns the loop reads its thread's scheduler
 *       accounting ({@code /proc/thread-self/schedstat}: time run, time runnable but waiting for a
 *       CPU). Running less than {@link LoopConfig#spinCoreShare()} of the time it wanted a CPU, in
 *       {@value #LOW_SAMPLES} samples in a row, means another thread
 *       wants this core (a client pinned to the same CPU, an oversubscribed machine) and every
 *       spinning cycle is one that thread lacks: the loop stops spinning for a back-off of 1 ms,
 *       doubling each time the spin after it still finds the core shared (up to 1 s), and back to
 *       1 ms after {@value #FREE_SAMPLES} samples in a row that spun most of their time and
 *       found the core free.</li>
 * </ul>
 *
 * <p>Pins are not governed: a pinned loop polls regardless. Loop-confined; {@link #backoffs} is read
 * racily by metrics.
 */
final class SpinGovernor {
    /**
     * Wall time per core-share sample (one {@code pread} of the schedstat each). Longer than a
     * scheduler slice, so one preemption by a kernel worker or a JIT thread (a few per second on a
     * busy machine) does not read as a shared core, while a thread that wants the core all the time
     * (a client on the same CPU) shows as about half of it.
     */
    static final long SAMPLE_NANOS = 10_000_000;
    /** Consecutive samples below the share that make a back-off. */
    static final int LOW_SAMPLES = 2;
    /** Consecutive spinning samples at or above the share that reset the back-off. */
    static final int FREE_SAMPLES = 5;
    static final long BACKOFF_MIN_NANOS = 1_000_000;
    static final long BACKOFF_MAX_NANOS = 1_000_000_000;

    private final long spinMax;
    private final long spinMin;
    private final double coreShare;
    /** Whether the core-share rule applies (a share above 0, the system clock). */
    private final boolean shareRule;
    /** The loop thread's run and run-queue times; opened on the loop thread at the first sample. */
    RunClock runClock;
    private boolean runClockTried;
    private long window;
    private boolean asleepAfterMiss;
    private long missAt;
    /** Whether a sample is running (the clocks may take any value: no sentinel times). */
    private boolean sampling;
    private long sampleStart;
    private long sampleRun;
    private long sampleWait;
    private long samplePolled;
    /** Loop-clock time spent polling in closed stretches, and the start of the current one. */
    private long polled;
    private boolean inStretch;
    private long pollingSince;
    private long backoff;
    /** Consecutive samples below the share. */
    private int lowSamples;
    /** Consecutive spinning samples at or above the share. */
    private int freeSamples;
    private boolean backingOff;
    private long backoffUntil;
    /** Metric: times the core-share rule stopped a spin. */
    long backoffs;

    SpinGovernor(LoopConfig config) {
        this.spinMax = config.spin().toNanos();
        this.spinMin = Math.min(config.spinMin().toNanos(), spinMax);
        this.coreShare = config.spinCoreShare();
        this.window = spinMax;
        this.shareRule = coreShare > 0 && !config.clock().isVirtual();
    }

    /** Whether the loop may be polling at {@code now}, its last activity being at {@code lastActivity}. */
    boolean maySpin(long now, long lastActivity) {
        if (backingOff) {
            if (now - backoffUntil < 0) {
                return false;
            }
            backingOff = false;
        }
        return window > 0 && now - lastActivity < window;
    }

    /** The window ran out without work: the loop goes to sleep. */
    void windowRanOut(long now) {
        window = Math.max(window >> 1, spinMin);
        asleepAfterMiss = true;
        missAt = now;
    }

    /** Work woke the loop (it was not polling). */
    void wokeWithWork(long now) {
        if (asleepAfterMiss && now - missAt < spinMax) {
            // A longer window would have caught this: give the window back.
            window = Math.min(Math.max(window << 1, 1), spinMax);
        }
        asleepAfterMiss = false;
    }

    /** The loop entered ({@code on}) or left polling at {@code now}. */
    void pollingChanged(boolean on, long now) {
        if (on) {
            inStretch = true;
            pollingSince = now;
        } else if (inStretch) {
            inStretch = false;
            polled += now - pollingSince;
        }
    }

    /**
     * Called at the end of every unpinned pass; true when the samples that just ended find the core
     * shared (the loop thread ran less than the share of the time it wanted a CPU): a polling caller
     * stops polling, and {@link #maySpin} refuses until the back-off ends. A sample counts across
     * polling stretches and event-mode passes, so short spins are judged too.
     */
    boolean coreShared(long now) {
        if (sampling && now - sampleStart < SAMPLE_NANOS) {
            return false; // the common case: one compare per pass
        }
        RunClock clock = runClock;
        if (clock == null) {
            if (runClockTried || !shareRule) {
                return false;
            }
            runClockTried = true;
            clock = runClock = RunClock.openForCurrentThread();
            if (clock == null) {
                return false; // no schedstat here: the rule stays off
            }
        }
        if (!clock.read()) {
            close(); // unreadable now, unreadable later: the rule goes off rather than retry per pass
            return false;
        }
        long polledNow = polled + (inStretch ? now - pollingSince : 0);
        boolean first = !sampling;
        sampling = true;
        long wall = now - sampleStart;
        long ran = clock.run() - sampleRun;
        long waited = clock.waited() - sampleWait;
        long spun = polledNow - samplePolled;
        sampleStart = now;
        sampleRun = clock.run();
        sampleWait = clock.waited();
        samplePolled = polledNow;
        if (first || ran + waited <= 0) {
            return false;
        }
        if (ran >= coreShare * (ran + waited)) {
            lowSamples = 0;
            // Forget the back-off after samples in a row that spun most of their time and still had
            // the core: one is not enough, a loop just back from sleeping may run a whole slice alone.
            if (spun * 2 < wall) {
                freeSamples = 0;
            } else if (++freeSamples >= FREE_SAMPLES) {
                backoff = 0;
            }
            return false;
        }
        // One preemption (a kernel worker, a JIT thread) makes a low sample now and then; a thread
        // that wants the core all the time makes them the rule.
        if (++lowSamples < LOW_SAMPLES) {
            return false;
        }
        lowSamples = 0;
        freeSamples = 0;
        backoff = backoff == 0 ? BACKOFF_MIN_NANOS : Math.min(backoff << 1, BACKOFF_MAX_NANOS);
        backingOff = true;
        backoffUntil = now + backoff;
        backoffs++;
        return true;
    }

    /** The loop is released: closes the run clock (any thread). */
    void close() {
        RunClock clock = runClock;
        runClock = null;
        if (clock != null) {
            clock.close();
        }
    }

    /** The current window in nanoseconds (tests, metrics). */
    long window() {
        return window;
    }
}
