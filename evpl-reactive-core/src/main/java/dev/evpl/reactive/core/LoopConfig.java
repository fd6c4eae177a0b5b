package dev.evpl.reactive.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of one event loop. Immutable; build with {@link #builder()}, change a copy with
 * {@link #toBuilder()}. Values are validated by {@link Builder#build()}: an error names the
 * parameter and its allowed range.
 *
 * <table>
 *   <caption>Parameters and defaults</caption>
 *   <tr><th>parameter</th><th>default</th><th>range</th><th>meaning</th></tr>
 *   <tr><td>{@code spin}</td><td>1 ms</td><td>0 .. 1 s</td><td>how long the loop keeps polling
 *       after the last activity of a poll source; 0 = never spin</td></tr>
 *   <tr><td>{@code pollIterations}</td><td>1000</td><td>1 .. 1 000 000</td><td>while polling,
 *       passes between two non-blocking kernel checks for fd events</td></tr>
 *   <tr><td>{@code maxEvents}</td><td>256</td><td>1 .. 65 536</td><td>ready descriptors read per
 *       kernel wait</td></tr>
 *   <tr><td>{@code timerSlack}</td><td>1 µs</td><td>0 .. 1 s</td><td>the loop thread's kernel timer
 *       slack (PR_SET_TIMERSLACK), which bounds how late a wait may end; 0 keeps the kernel's
 *       default (50 µs)</td></tr>
 *   <tr><td>{@code idleStrategy}</td><td>{@link IdleStrategy#busySpin()}</td><td></td><td>what a
 *       polling loop does after an empty pass</td></tr>
 *   <tr><td>{@code clock}</td><td>{@link LoopClock#system()}</td><td></td><td>time source of timers
 *       and the spin window</td></tr>
 *   <tr><td>{@code ringEntries}</td><td>256</td><td>8 .. 32 768, a power of two</td><td>submission
 *       entries of the loop's io_uring (created on first use; the completion queue is twice as large):
 *       one-shot operations in flight beyond it wait their turn; armed multishot receives and
 *       accepts (one per connection or listener) are not bounded by it</td></tr>
 *   <tr><td>{@code ringWait}</td><td>true</td><td></td><td>once the loop has an io_uring ring, the
 *       ring (with {@code DEFER_TASKRUN}) does the kernel wait: one {@code io_uring_enter} per pass
 *       submits, completes and waits, the epoll set being polled by the ring; off, the loop waits in
 *       epoll and the ring's completions signal an eventfd in it</td></tr>
 *   <tr><td>{@code sendZeroCopyMin}</td><td>0 (off)</td><td>0, or 1 KiB .. 64 MiB</td><td>an io_uring TCP
 *       write of at least this many bytes goes out with {@code SENDMSG_ZC}: the kernel sends from the
 *       segments' memory, which is released when its notification arrives</td></tr>
 *   <tr><td>{@code sqPollIdle}</td><td>0 (off)</td><td>0, or 1 ms .. 60 s</td><td>the loop's io_uring
 *       gets a kernel submission thread ({@code SQPOLL}) that sleeps after this long without work:
 *       submitting then needs no system call while it is awake, but it takes a CPU of its own while
 *       it polls (off by default: on a machine with few cores it competes with the loops; it
 *       excludes {@code DEFER_TASKRUN}, so the ring wait runs on a plain ring)</td></tr>
 * </table>
 */
public final class LoopConfig {
    static final Duration MAX_SPIN = Duration.ofSeconds(1);
    static final Duration MAX_SLACK = Duration.ofSeconds(1);
    static final Duration MAX_SQPOLL_IDLE = Duration.ofSeconds(60);

    private static final LoopConfig DEFAULTS = new Builder().build();

    private final Duration spin;
    private final int pollIterations;
    private final int maxEvents;
    private final Duration timerSlack;
    private final IdleStrategy idleStrategy;
    private final LoopClock clock;
    private final int ringEntries;
    private final boolean ringWait;
    private final int sendZeroCopyMin;
    private final Duration sqPollIdle;

    private LoopConfig(Builder b) {
        this.spin = b.spin;
        this.pollIterations = b.pollIterations;
        this.maxEvents = b.maxEvents;
        this.timerSlack = b.timerSlack;
        this.idleStrategy = b.idleStrategy;
        this.clock = b.clock;
        this.ringEntries = b.ringEntries;
        this.ringWait = b.ringWait;
        this.sendZeroCopyMin = b.sendZeroCopyMin;
        this.sqPollIdle = b.sqPollIdle;
    }

    /** The defaults of the table above. */
    public static LoopConfig defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** How long the loop keeps polling after the last activity; {@link Duration#ZERO} = never spin. */
    public Duration spin() {
        return spin;
    }

    /** Polling passes between two non-blocking kernel checks. */
    public int pollIterations() {
        return pollIterations;
    }

    /** Ready descriptors read per kernel wait. */
    public int maxEvents() {
        return maxEvents;
    }

    /** The loop thread's timer slack; {@link Duration#ZERO} keeps the kernel default. */
    public Duration timerSlack() {
        return timerSlack;
    }

    /** What a polling loop does after an empty pass. */
    public IdleStrategy idleStrategy() {
        return idleStrategy;
    }

    /** The loop's time source. */
    public LoopClock clock() {
        return clock;
    }

    /** Submission entries of the loop's io_uring. */
    public int ringEntries() {
        return ringEntries;
    }

    /** io_uring TCP writes of at least this many bytes go out with {@code SENDMSG_ZC}; 0 = never. */
    public int sendZeroCopyMin() {
        return sendZeroCopyMin;
    }

    /** Idle time after which the io_uring SQPOLL thread sleeps; zero: no SQPOLL thread. */
    public Duration sqPollIdle() {
        return sqPollIdle;
    }

    /** Whether the loop's io_uring ring (once it exists) does the kernel wait instead of epoll. */
    public boolean ringWait() {
        return ringWait;
    }

    @Override
    public String toString() {
        return "LoopConfig{spin=" + spin + ", pollIterations=" + pollIterations + ", maxEvents=" + maxEvents
                + ", timerSlack=" + timerSlack + ", idleStrategy=" + idleStrategy + ", clock=" + clock
                + ", ringEntries=" + ringEntries + ", ringWait=" + ringWait + ", sendZeroCopyMin=" + sendZeroCopyMin + ", sqPollIdle=" + sqPollIdle + '}';
    }

    /** Mutable builder of {@link LoopConfig}; not thread-safe. */
    public static final class Builder {
        private Duration spin = Duration.ofMillis(1);
        private int pollIterations = 1000;
        private int maxEvents = 256;
        private Duration timerSlack = Duration.ofNanos(1000);
        private IdleStrategy idleStrategy = IdleStrategy.busySpin();
        private LoopClock clock = LoopClock.system();
        private int ringEntries = 256;
        private boolean ringWait = true;
        private int sendZeroCopyMin = 0;
        private Duration sqPollIdle = Duration.ZERO;

        private Builder() {
        }

        private Builder(LoopConfig c) {
            this.spin = c.spin;
            this.pollIterations = c.pollIterations;
            this.maxEvents = c.maxEvents;
            this.timerSlack = c.timerSlack;
            this.idleStrategy = c.idleStrategy;
            this.clock = c.clock;
            this.ringEntries = c.ringEntries;
            this.ringWait = c.ringWait;
            this.sendZeroCopyMin = c.sendZeroCopyMin;
            this.sqPollIdle = c.sqPollIdle;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder sqPollIdle(Duration idle) {
            this.sqPollIdle = Objects.requireNonNull(idle, "sqPollIdle");
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder sendZeroCopyMin(int bytes) {
            this.sendZeroCopyMin = bytes;
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder ringWait(boolean on) {
            this.ringWait = on;
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder ringEntries(int entries) {
            this.ringEntries = entries;
            return this;
        }


        /** See the table in {@link LoopConfig}. */
        public Builder spin(Duration spin) {
            this.spin = Objects.requireNonNull(spin, "spin");
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder pollIterations(int pollIterations) {
            this.pollIterations = pollIterations;
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder maxEvents(int maxEvents) {
            this.maxEvents = maxEvents;
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder timerSlack(Duration timerSlack) {
            this.timerSlack = Objects.requireNonNull(timerSlack, "timerSlack");
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder idleStrategy(IdleStrategy idleStrategy) {
            this.idleStrategy = Objects.requireNonNull(idleStrategy, "idleStrategy");
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder clock(LoopClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the bad parameter. */
        public LoopConfig build() {
            Validate.duration("LoopConfig.spin", spin, Duration.ZERO, MAX_SPIN);
            Validate.range("LoopConfig.pollIterations", pollIterations, 1, 1_000_000);
            Validate.range("LoopConfig.maxEvents", maxEvents, 1, 65_536);
            Validate.duration("LoopConfig.timerSlack", timerSlack, Duration.ZERO, MAX_SLACK);
            Validate.range("LoopConfig.ringEntries", ringEntries, 8, 32_768);
            if (Integer.bitCount(ringEntries) != 1) {
                throw new IllegalArgumentException("LoopConfig.ringEntries must be a power of two between 8 and 32768, got "
                        + ringEntries);
            }
            if (sendZeroCopyMin != 0 && (sendZeroCopyMin < 1024 || sendZeroCopyMin > (64 << 20))) {
                throw new IllegalArgumentException("LoopConfig.sendZeroCopyMin must be 0 (off) or between 1024 and "
                        + (64 << 20) + ", got " + sendZeroCopyMin);
            }
            if (!sqPollIdle.isZero() && (sqPollIdle.compareTo(Duration.ofMillis(1)) < 0 || sqPollIdle.compareTo(MAX_SQPOLL_IDLE) > 0)) {
                throw new IllegalArgumentException("LoopConfig.sqPollIdle must be 0 (off) or between 1 ms and 60 s, got "
                        + sqPollIdle);
            }
            return new LoopConfig(this);
        }
    }
}
