package dev.evpl.reactive.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a loop's io_uring ring ({@link LoopConfig#uring()}). Immutable; build with
 * {@link #builder()}. Values are validated by {@link Builder#build()}: an error names the
 * parameter and its allowed range.
 *
 * <table>
 *   <caption>Parameters and defaults</caption>
 *   <tr><th>parameter</th><th>default</th><th>range</th><th>meaning</th></tr>
 *   <tr><td>{@code entries}</td><td>256</td><td>8 .. 32 768, a power of two</td><td>submission
 *       entries of the ring (the completion queue is twice as large): one-shot operations in
 *       flight beyond it wait their turn; armed multishot receives and accepts (one per connection
 *       or listener) are not bounded by it</td></tr>
 *   <tr><td>{@code sendZeroCopyMin}</td><td>0 (off)</td><td>0, or 1 KiB .. 64 MiB</td><td>an io_uring TCP
 *       write of at least this many bytes goes out with {@code SENDMSG_ZC}: the kernel sends from the
 *       segments' memory, which is released when its notification arrives</td></tr>
 *   <tr><td>{@code sqPollIdle}</td><td>0 (off)</td><td>0, or 1 ms .. 60 s</td><td>the ring gets a
 *       kernel submission thread ({@code SQPOLL}) that sleeps after this long without work:
 *       submitting then needs no system call while it is awake, but it takes a CPU of its own while
 *       it polls (off by default: on a machine with few cores it competes with the loops; it
 *       excludes {@code DEFER_TASKRUN}, so the ring wait runs on a plain ring)</td></tr>
 * </table>
 */
public final class UringConfig {
    static final Duration MAX_SQPOLL_IDLE = Duration.ofSeconds(60);
    private static final UringConfig DEFAULTS = new Builder().build();

    private final int entries;
    private final int sendZeroCopyMin;
    private final Duration sqPollIdle;

    private UringConfig(Builder b) {
        this.entries = b.entries;
        this.sendZeroCopyMin = b.sendZeroCopyMin;
        this.sqPollIdle = b.sqPollIdle;
    }

    /** The defaults of the table above. */
    public static UringConfig defaults() {
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

    /** Submission entries of the ring. */
    public int entries() {
        return entries;
    }

    /** io_uring TCP writes of at least this many bytes go out with {@code SENDMSG_ZC}; 0 = never. */
    public int sendZeroCopyMin() {
        return sendZeroCopyMin;
    }

    /** Idle time after which the SQPOLL thread sleeps; zero: no SQPOLL thread. */
    public Duration sqPollIdle() {
        return sqPollIdle;
    }

    @Override
    public String toString() {
        return "UringConfig{entries=" + entries + ", sendZeroCopyMin=" + sendZeroCopyMin + ", sqPollIdle=" + sqPollIdle + '}';
    }

    /** Mutable builder of {@link UringConfig}; not thread-safe. */
    public static final class Builder {
        private int entries = 256;
        private int sendZeroCopyMin;
        private Duration sqPollIdle = Duration.ZERO;

        private Builder() {
        }

        private Builder(UringConfig c) {
            this.entries = c.entries;
            this.sendZeroCopyMin = c.sendZeroCopyMin;
            this.sqPollIdle = c.sqPollIdle;
        }

        /** See the table in {@link UringConfig}. */
        public Builder entries(int entries) {
            this.entries = entries;
            return this;
        }

        /** See the table in {@link UringConfig}. */
        public Builder sendZeroCopyMin(int bytes) {
            this.sendZeroCopyMin = bytes;
            return this;
        }

        /** See the table in {@link UringConfig}. */
        public Builder sqPollIdle(Duration idle) {
            this.sqPollIdle = Objects.requireNonNull(idle, "sqPollIdle");
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the bad parameter. */
        public UringConfig build() {
            if (entries < 8 || entries > 32_768 || Integer.bitCount(entries) != 1) {
                throw new IllegalArgumentException("UringConfig.entries must be a power of two between 8 and 32768, got "
                        + entries);
            }
            if (sendZeroCopyMin != 0 && (sendZeroCopyMin < 1024 || sendZeroCopyMin > (64 << 20))) {
                throw new IllegalArgumentException("UringConfig.sendZeroCopyMin must be 0 (off) or between 1024 and "
                        + (64 << 20) + ", got " + sendZeroCopyMin);
            }
            if (!sqPollIdle.isZero() && (sqPollIdle.compareTo(Duration.ofMillis(1)) < 0
                    || sqPollIdle.compareTo(MAX_SQPOLL_IDLE) > 0)) {
                throw new IllegalArgumentException("UringConfig.sqPollIdle must be 0 (off) or between 1 ms and 60 s, got "
                        + sqPollIdle);
            }
            return new UringConfig(this);
        }
    }
}
