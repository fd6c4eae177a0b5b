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
 *   <tr><td>{@code spinMin}</td><td>50 µs</td><td>0 .. 1 s</td><td>the shortest the spin window
 *       gets: a window that ran out without work halves (not below this), work arriving within
 *       {@code spin} of the loop going to sleep doubles it back (not above {@code spin}); values
 *       above {@code spin} act as {@code spin}; {@code spinMin = spin} keeps the window fixed</td></tr>
 *   <tr><td>{@code spinCoreShare}</td><td>0.75</td><td>0 .. 1</td><td>the share of the time it wants a
 *       CPU the loop thread must run to go on spinning (its {@code /proc/thread-self/schedstat}:
 *       run vs run-queue wait, sampled every 10 ms); below it in two samples in a row the core is
 *       shared and the loop stops spinning for 1 ms, doubling up to 1 s while that lasts; 0 = never
 *       back off. Not applied on a virtual clock, nor where the kernel has no schedstat</td></tr>
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
 *   <tr><td>{@code ioHandler}</td><td>{@link IoHandlerType#AUTO}</td><td></td><td>where the loop waits:
 *       epoll, its io_uring ring, or epoll until the ring is first used</td></tr>
 *   <tr><td>{@code uring}</td><td>{@link UringConfig#defaults()}</td><td></td><td>the settings of the
 *       loop's io_uring ring (its own table)</td></tr>
 * </table>
 */
public final class LoopConfig {
    static final Duration MAX_SPIN = Duration.ofSeconds(1);
    static final Duration MAX_SLACK = Duration.ofSeconds(1);

    private static final LoopConfig DEFAULTS = new Builder().build();

    private final Duration spin;
    private final Duration spinMin;
    private final double spinCoreShare;
    private final int pollIterations;
    private final int maxEvents;
    private final Duration timerSlack;
    private final IdleStrategy idleStrategy;
    private final LoopClock clock;
    private final IoHandlerType ioHandler;
    private final UringConfig uring;

    private LoopConfig(Builder b) {
        this.spin = b.spin;
        this.spinMin = b.spinMin;
        this.spinCoreShare = b.spinCoreShare;
        this.pollIterations = b.pollIterations;
        this.maxEvents = b.maxEvents;
        this.timerSlack = b.timerSlack;
        this.idleStrategy = b.idleStrategy;
        this.clock = b.clock;
        this.ioHandler = b.ioHandler;
        this.uring = b.uring;
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

    /** The shortest the adaptive spin window gets (see the table). */
    public Duration spinMin() {
        return spinMin;
    }

    /** The share of the time it wants a CPU a loop must run to go on spinning; 0 = never back off. */
    public double spinCoreShare() {
        return spinCoreShare;
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

    /** Where the loop waits (see {@link IoHandlerType}). */
    public IoHandlerType ioHandler() {
        return ioHandler;
    }

    /** The settings of the loop's io_uring ring. */
    public UringConfig uring() {
        return uring;
    }

    @Override
    public String toString() {
        return "LoopConfig{spin=" + spin + ", spinMin=" + spinMin + ", spinCoreShare=" + spinCoreShare
                + ", pollIterations=" + pollIterations + ", maxEvents=" + maxEvents
                + ", timerSlack=" + timerSlack + ", idleStrategy=" + idleStrategy + ", clock=" + clock
                + ", ioHandler=" + ioHandler + ", uring=" + uring + '}';
    }

    /** Mutable builder of {@link LoopConfig}; not thread-safe. */
    public static final class Builder {
        private Duration spin = Duration.ofMillis(1);
        private Duration spinMin = Duration.ofNanos(50_000);
        private double spinCoreShare = 0.75;
        private int pollIterations = 1000;
        private int maxEvents = 256;
        private Duration timerSlack = Duration.ofNanos(1000);
        private IdleStrategy idleStrategy = IdleStrategy.busySpin();
        private LoopClock clock = LoopClock.system();
        private IoHandlerType ioHandler = IoHandlerType.AUTO;
        private UringConfig uring = UringConfig.defaults();

        private Builder() {
        }

        private Builder(LoopConfig c) {
            this.spin = c.spin;
            this.spinMin = c.spinMin;
            this.spinCoreShare = c.spinCoreShare;
            this.pollIterations = c.pollIterations;
            this.maxEvents = c.maxEvents;
            this.timerSlack = c.timerSlack;
            this.idleStrategy = c.idleStrategy;
            this.clock = c.clock;
            this.ioHandler = c.ioHandler;
            this.uring = c.uring;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder ioHandler(IoHandlerType type) {
            this.ioHandler = Objects.requireNonNull(type, "ioHandler");
            return this;
        }

        /** See the table in {@link LoopConfig} and {@link UringConfig}. */
        public Builder uring(UringConfig uring) {
            this.uring = Objects.requireNonNull(uring, "uring");
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder spin(Duration spin) {
            this.spin = Objects.requireNonNull(spin, "spin");
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder spinMin(Duration spinMin) {
            this.spinMin = Objects.requireNonNull(spinMin, "spinMin");
            return this;
        }

        /** See the table in {@link LoopConfig}. */
        public Builder spinCoreShare(double spinCoreShare) {
            this.spinCoreShare = spinCoreShare;
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
            Validate.duration("LoopConfig.spinMin", spinMin, Duration.ZERO, MAX_SPIN);
            Validate.fraction("LoopConfig.spinCoreShare", spinCoreShare);
            Validate.range("LoopConfig.pollIterations", pollIterations, 1, 1_000_000);
            Validate.range("LoopConfig.maxEvents", maxEvents, 1, 65_536);
            Validate.duration("LoopConfig.timerSlack", timerSlack, Duration.ZERO, MAX_SLACK);
            return new LoopConfig(this);
        }
    }
}
