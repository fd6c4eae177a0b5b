package dev.evpl.reactive.block;

/**
 * How a {@link BlockDevice} is opened. Immutable; each setter returns a new instance.
 *
 * <table>
 *   <caption>BlockOptions</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>readOnly</td><td>false</td><td>open O_RDONLY: writes fail with a clear error</td></tr>
 *   <tr><td>create</td><td>false</td><td>create the file when missing (mode 0644)</td></tr>
 *   <tr><td>direct</td><td>false</td><td>O_DIRECT: bypass the page cache; reads and writes go through aligned memory</td></tr>
 *   <tr><td>durable</td><td>false</td><td>O_DSYNC: a write completes once its data is on stable storage</td></tr>
 *   <tr><td>queueDepth</td><td>64</td><td>operations in flight per queue (1–4096); more wait, they do not fail</td></tr>
 * </table>
 */
public final class BlockOptions {
    private final boolean readOnly;
    private final boolean create;
    private final boolean direct;
    private final boolean durable;
    private final int queueDepth;

    private BlockOptions(boolean readOnly, boolean create, boolean direct, boolean durable, int queueDepth) {
        this.readOnly = readOnly;
        this.create = create;
        this.direct = direct;
        this.durable = durable;
        this.queueDepth = queueDepth;
    }

    /** The defaults above. */
    public static BlockOptions defaults() {
        return new BlockOptions(false, false, false, false, 64);
    }

    public BlockOptions readOnly(boolean on) {
        return new BlockOptions(on, create, direct, durable, queueDepth);
    }

    public BlockOptions create(boolean on) {
        return new BlockOptions(readOnly, on, direct, durable, queueDepth);
    }

    public BlockOptions direct(boolean on) {
        return new BlockOptions(readOnly, create, on, durable, queueDepth);
    }

    public BlockOptions durable(boolean on) {
        return new BlockOptions(readOnly, create, direct, on, queueDepth);
    }

    public BlockOptions queueDepth(int depth) {
        if (depth < 1 || depth > 4096) {
            throw new IllegalArgumentException("BlockOptions.queueDepth must be between 1 and 4096, got " + depth);
        }
        return new BlockOptions(readOnly, create, direct, durable, depth);
    }

    public boolean readOnly() {
        return readOnly;
    }

    public boolean create() {
        return create;
    }

    public boolean direct() {
        return direct;
    }

    public boolean durable() {
        return durable;
    }

    public int queueDepth() {
        return queueDepth;
    }
}
