package dev.evpl.reactive.core.buffer;

/**
 * Configuration of a {@link BufferPool}. Immutable; validated by {@link Builder#build()}.
 *
 * <table>
 *   <caption>Parameters and defaults</caption>
 *   <tr><th>parameter</th><th>default</th><th>range</th><th>meaning</th></tr>
 *   <tr><td>{@code bufferSize}</td><td>2 MiB</td><td>4 KiB .. 64 MiB, power of two</td><td>largest
 *       single piece; loops carve segments from one buffer at a time</td></tr>
 *   <tr><td>{@code slabSize}</td><td>64 MiB</td><td>bufferSize .. 16 GiB, a multiple of
 *       bufferSize</td><td>memory mapped (and registered with backends) at once</td></tr>
 *   <tr><td>{@code maxMemory}</td><td>16 GiB</td><td>slabSize .. 2^62</td><td>cap on mapped slabs;
 *       beyond it allocation fails with a clear error</td></tr>
 * </table>
 */
public final class BufferConfig {
    private static final BufferConfig DEFAULTS = builder().build();

    private final int bufferSize;
    private final long slabSize;
    private final long maxMemory;

    private BufferConfig(Builder b) {
        this.bufferSize = b.bufferSize;
        this.slabSize = b.slabSize;
        this.maxMemory = b.maxMemory;
    }

    /** The defaults of the table above. */
    public static BufferConfig defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Size of one buffer. */
    public int bufferSize() {
        return bufferSize;
    }

    /** Size of one slab. */
    public long slabSize() {
        return slabSize;
    }

    /** Cap on mapped memory. */
    public long maxMemory() {
        return maxMemory;
    }

    /** Same parameters as {@code other}. */
    boolean sameAs(BufferConfig other) {
        return bufferSize == other.bufferSize && slabSize == other.slabSize && maxMemory == other.maxMemory;
    }

    @Override
    public String toString() {
        return "BufferConfig[bufferSize=" + bufferSize + ", slabSize=" + slabSize + ", maxMemory=" + maxMemory + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private int bufferSize = 2 << 20;
        private long slabSize = 64L << 20;
        private long maxMemory = 16L << 30;

        private Builder() {
        }

        /** See the table in {@link BufferConfig}. */
        public Builder bufferSize(int bytes) {
            this.bufferSize = bytes;
            return this;
        }

        /** See the table in {@link BufferConfig}. */
        public Builder slabSize(long bytes) {
            this.slabSize = bytes;
            return this;
        }

        /** See the table in {@link BufferConfig}. */
        public Builder maxMemory(long bytes) {
            this.maxMemory = bytes;
            return this;
        }

        /** Validates and builds; an error names the parameter, the range and the value. */
        public BufferConfig build() {
            if (bufferSize < 4096 || bufferSize > (64 << 20) || Integer.bitCount(bufferSize) != 1) {
                throw new IllegalArgumentException("BufferConfig.bufferSize must be a power of two between 4096 and "
                        + (64 << 20) + ", got " + bufferSize);
            }
            if (slabSize < bufferSize || slabSize > (16L << 30) || slabSize % bufferSize != 0) {
                throw new IllegalArgumentException("BufferConfig.slabSize must be a multiple of bufferSize (" + bufferSize
                        + ") between " + bufferSize + " and " + (16L << 30) + ", got " + slabSize);
            }
            if (maxMemory < slabSize || maxMemory > (1L << 62)) {
                throw new IllegalArgumentException("BufferConfig.maxMemory must be between slabSize (" + slabSize
                        + ") and " + (1L << 62) + ", got " + maxMemory);
            }
            return new BufferConfig(this);
        }
    }
}
