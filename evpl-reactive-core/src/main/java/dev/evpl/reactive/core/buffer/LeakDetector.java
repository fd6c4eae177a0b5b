package dev.evpl.reactive.core.buffer;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds segments that were never released.
 *
 * <p>Level from the system property {@code evpl.leakDetection}:
 * <ul>
 *   <li>{@code disabled}: nothing tracked.</li>
 *   <li>{@code sampled} (default): one allocation in 4096 (system property
 *       {@code evpl.leakDetection.samplingInterval}, a power of two) gets a {@link Cleaner}; if the garbage
 *       collector finds it unreleased, the leak is logged (with where it was allocated) and its
 *       buffer reference is given back, so a leak costs a log line, not the pool.</li>
 *   <li>{@code paranoid} (the test suites): every allocation is recorded with its stack and last
 *       touch; {@link #outstanding()} lists the live ones, and the test extension fails any test
 *       that ends with one.</li>
 * </ul>
 * Thread-safe.
 */
public final class LeakDetector {
    /** Tracking levels. */
    public enum Level { DISABLED, SAMPLED, PARANOID }

    private static final Level LEVEL = parse(System.getProperty("evpl.leakDetection", "sampled"));
    /** Sampled level: one allocation in this many (a power of two) is tracked; a stack capture costs ~µs. */
    private static final int SAMPLE_INTERVAL = samplingInterval();
    private static final int SAMPLE_MASK = SAMPLE_INTERVAL - 1;
    private static final Cleaner CLEANER = LEVEL == Level.SAMPLED ? Cleaner.create() : null;
    /** Racy on purpose: a lost increment only shifts which allocation gets sampled. */
    private static int allocations;
    private static final AtomicLong LEAKS_REPORTED = new AtomicLong();
    private static final Set<Track> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<String> INTERNAL = Set.of(LeakDetector.class.getName(), SliceSegment.class.getName(),
            CompositeSegment.class.getName(), SegmentAllocator.class.getName(), Segment.class.getName());
    private static final System.Logger LOG = System.getLogger("dev.evpl.reactive.core.buffer.LeakDetector");

    private LeakDetector() {
    }

    private static int samplingInterval() {
        String v = System.getProperty("evpl.leakDetection.samplingInterval", "4096");
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("evpl.leakDetection.samplingInterval must be a power of two >= 1, got '" + v + "'");
        }
        return n;
    }

    private static Level parse(String value) {
        try {
            return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("evpl.leakDetection must be one of disabled, sampled, paranoid; got '"
                    + value + "'", e);
        }
    }

    /** The level in force for this process. */
    public static Level level() {
        return LEVEL;
    }

    /** Leaks the sampled level found and repaired so far. */
    public static long leaksReported() {
        return LEAKS_REPORTED.get();
    }

    /**
     * Paranoid level: a description of every live segment, with the stack where it was allocated
     * and the last touch. Empty at other levels.
     */
    public static List<String> outstanding() {
        List<String> out = new ArrayList<>();
        for (Track t : LIVE) {
            out.add(t.describe());
        }
        return out;
    }

    /** Paranoid level: how many segments are live. */
    public static int outstandingCount() {
        return LIVE.size();
    }

    /** Paranoid level: forgets every live record (after a test reported them). */
    public static void forgetOutstanding() {
        LIVE.clear();
    }

    static Track track(Segment segment, Buffer buffer) {
        if (LEVEL == Level.PARANOID) {
            Track t = new Track(new Throwable("allocated here"));
            LIVE.add(t);
            return t;
        }
        if (LEVEL == Level.SAMPLED && (++allocations & SAMPLE_MASK) == 0) {
            Track t = new Track(new Throwable("allocated here"));
            t.buffer = buffer;
            t.cleanable = CLEANER.register(segment, t);
            return t;
        }
        return null;
    }

    static void untrack(Track t) {
        if (t != null) {
            t.released = true;
            if (t.cleanable != null) {
                t.cleanable.clean();
            } else {
                LIVE.remove(t);
            }
        }
    }

    static void touch(Track t, Object hint) {
        if (t != null) {
            t.lastTouch = hint; // rendered lazily: touching sits on hot paths
            t.lastTouchThread = Thread.currentThread().getName();
        }
    }

    /** What is known about one tracked segment; also the Cleaner action of sampled tracking. */
    static final class Track implements Runnable {
        final Throwable allocation;
        final String thread = Thread.currentThread().getName();
        volatile Object lastTouch;
        volatile String lastTouchThread;
        volatile boolean released;
        Buffer buffer;
        Cleaner.Cleanable cleanable;

        Track(Throwable allocation) {
            this.allocation = allocation;
        }

        /** Cleaner action: runs once, when released (clean()) or when the segment became unreachable. */
        @Override
        public void run() {
            if (!released) {
                LEAKS_REPORTED.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "LEAK: a segment was garbage-collected without release(); "
                        + "its buffer reference was given back.\n" + describe());
                buffer.release();
            }
        }

        String describe() {
            StringBuilder sb = new StringBuilder("segment allocated on thread ").append(thread);
            sb.append(", last touched: ").append(lastTouch == null ? "never" : lastTouch + " on " + lastTouchThread).append('\n');
            boolean inside = true;
            for (StackTraceElement e : allocation.getStackTrace()) {
                // Skip the detector's and the allocator's own frames at the top.
                inside = inside && INTERNAL.contains(e.getClassName());
                if (!inside) {
                    sb.append("\tat ").append(e).append('\n');
                }
            }
            return sb.toString();
        }
    }
}
