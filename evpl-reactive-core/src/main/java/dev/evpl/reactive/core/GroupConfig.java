package dev.evpl.reactive.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Configuration of an {@link EventLoopGroup}: how many loops, their threads, and the
 * {@link LoopConfig} each loop gets. Immutable; build with {@link #builder()}.
 *
 * <table>
 *   <caption>Parameters and defaults</caption>
 *   <tr><th>parameter</th><th>default</th><th>range</th><th>meaning</th></tr>
 *   <tr><td>{@code threads}</td><td>available processors</td><td>1 .. 1024</td><td>loops, one
 *       thread each</td></tr>
 *   <tr><td>{@code threadNamePrefix}</td><td>{@code evpl-loop}</td><td>not empty</td><td>loop
 *       threads are named {@code prefix-N}, N from 0</td></tr>
 *   <tr><td>{@code cpuAffinity}</td><td>none</td><td>CPU ids 0 .. 1023</td><td>loop N is pinned to
 *       {@code cpus[N % cpus.length]} (sched_setaffinity)</td></tr>
 *   <tr><td>{@code daemon}</td><td>true</td><td></td><td>whether loop threads are daemon threads,
 *       like Reactor's own schedulers</td></tr>
 *   <tr><td>{@code loopConfig}</td><td>{@link LoopConfig#defaults()}</td><td></td><td>each
 *       loop's configuration; {@link Builder#loopConfig(int, LoopConfig)} overrides one loop</td></tr>
 *   <tr><td>{@code onThreadStart}, {@code onThreadStop}</td><td>none</td><td></td><td>run on each
 *       loop thread before its first pass and after its last one</td></tr>
 * </table>
 */
public final class GroupConfig {
    static final int MAX_CPU = 1023;

    private final int threads;
    private final String threadNamePrefix;
    private final int[] cpuAffinity;
    private final boolean daemon;
    private final LoopConfig loopConfig;
    private final LoopConfig[] perLoop;
    private final Consumer<EventLoop> onThreadStart;
    private final Consumer<EventLoop> onThreadStop;

    private GroupConfig(Builder b) {
        this.threads = b.threads;
        this.threadNamePrefix = b.threadNamePrefix;
        this.cpuAffinity = b.cpuAffinity.clone();
        this.daemon = b.daemon;
        this.loopConfig = b.loopConfig;
        this.perLoop = Arrays.copyOf(b.perLoop, b.threads);
        this.onThreadStart = b.onThreadStart;
        this.onThreadStop = b.onThreadStop;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of loops (and threads). */
    public int threads() {
        return threads;
    }

    /** Loop thread name prefix. */
    public String threadNamePrefix() {
        return threadNamePrefix;
    }

    /** CPU ids the loops are pinned to (a copy); empty when not pinned. */
    public int[] cpuAffinity() {
        return cpuAffinity.clone();
    }

    /** Whether loop threads are daemon threads. */
    public boolean daemon() {
        return daemon;
    }

    /** The configuration of loop {@code index}. */
    public LoopConfig loopConfig(int index) {
        LoopConfig own = perLoop[index];
        return own != null ? own : loopConfig;
    }

    /** The CPU loop {@code index} is pinned to, or -1. */
    int cpuFor(int index) {
        return cpuAffinity.length == 0 ? -1 : cpuAffinity[index % cpuAffinity.length];
    }

    Consumer<EventLoop> onThreadStart() {
        return onThreadStart;
    }

    Consumer<EventLoop> onThreadStop() {
        return onThreadStop;
    }

    @Override
    public String toString() {
        return "GroupConfig{threads=" + threads + ", threadNamePrefix='" + threadNamePrefix + "', cpuAffinity="
                + Arrays.toString(cpuAffinity) + ", daemon=" + daemon + ", loopConfig=" + loopConfig + '}';
    }

    /** Mutable builder of {@link GroupConfig}; not thread-safe. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private String threadNamePrefix = "evpl-loop";
        private int[] cpuAffinity = new int[0];
        private boolean daemon = true;
        private LoopConfig loopConfig = LoopConfig.defaults();
        private LoopConfig[] perLoop = new LoopConfig[0];
        private Consumer<EventLoop> onThreadStart = loop -> { };
        private Consumer<EventLoop> onThreadStop = loop -> { };

        private Builder() {
        }

        /** See the table in {@link GroupConfig}. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** See the table in {@link GroupConfig}. */
        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = prefix;
            return this;
        }

        /** See the table in {@link GroupConfig}. */
        public Builder cpuAffinity(int... cpus) {
            this.cpuAffinity = Objects.requireNonNull(cpus, "cpuAffinity").clone();
            return this;
        }

        /** See the table in {@link GroupConfig}. */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /** The configuration of every loop without an override. */
        public Builder loopConfig(LoopConfig config) {
            this.loopConfig = Objects.requireNonNull(config, "loopConfig");
            return this;
        }

        /** The configuration of loop {@code index} only. */
        public Builder loopConfig(int index, LoopConfig config) {
            Validate.range("GroupConfig.loopConfig index", index, 0, 1023);
            if (perLoop.length <= index) {
                perLoop = Arrays.copyOf(perLoop, index + 1);
            }
            perLoop[index] = Objects.requireNonNull(config, "loopConfig");
            return this;
        }

        /** Runs on each loop thread before its first pass (e.g. to set thread-locals). */
        public Builder onThreadStart(Consumer<EventLoop> callback) {
            this.onThreadStart = Objects.requireNonNull(callback, "onThreadStart");
            return this;
        }

        /** Runs on each loop thread after its last pass, before the loop is closed. */
        public Builder onThreadStop(Consumer<EventLoop> callback) {
            this.onThreadStop = Objects.requireNonNull(callback, "onThreadStop");
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the bad parameter. */
        public GroupConfig build() {
            Validate.range("GroupConfig.threads", threads, 1, 1024);
            Validate.notEmpty("GroupConfig.threadNamePrefix", threadNamePrefix);
            for (int cpu : cpuAffinity) {
                Validate.range("GroupConfig.cpuAffinity cpu", cpu, 0, MAX_CPU);
            }
            if (perLoop.length > threads) {
                throw new IllegalArgumentException("GroupConfig.loopConfig index must be between 0 and "
                        + (threads - 1) + ", got " + (perLoop.length - 1));
            }
            return new GroupConfig(this);
        }
    }
}
