package dev.evpl.reactive.block;

/**
 * How a {@link BlockDevice} is opened. Immutable; each setter returns a new instance (thread-safe).
 *
 * <table>
 *   <caption>BlockOptions</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>readOnly</td><td>false</td><td>open O_RDONLY: writes fail with a clear error</td></tr>
 *   <tr><td>create</td><td>false</td><td>create the file when missing (mode 0644)</td></tr>
 *   <tr><td>direct</td><td>false</td><td>O_DIRECT: bypass the page cache; reads and writes go through aligned memory</td></tr>
 *   <tr><td>durable</td><td>false</td><td>O_DSYNC: a write completes once its data is on stable storage</td></tr>
 *   <tr><td>queueDepth</td><td>64</td><td>operations in flight per queue (1–4096); more wait, they do not fail</td></tr>
 *   <tr><td>maxWaiting</td><td>65 536</td><td>operations that may wait beyond {@code queueDepth} per queue
 *       (0–16 777 216); one more fails with Reactor's overflow error ({@code Exceptions.isOverflow}),
 *       naming this option: callers that issue unbounded work get a clear error, not a growing heap</td></tr>
 *   <tr><td>submitEach</td><td>= direct</td><td>io_uring: each operation goes to the kernel as it is
 *       issued (one {@code io_uring_enter} each) instead of with the rest of its loop pass's work.
 *       A device then gets a request as soon as the one before it completed; the page cache, which
 *       completes reads inline, gains from the batch instead (docs/benchmarks.md: 4 KiB QD 32
 *       O_DIRECT on a virtio disk +15–20 % each, page cache −30 % each)</td></tr>
 * </table>
 */
public final class BlockOptions {
    static final int MAX_WAITING_LIMIT = 1 << 24;
    private final boolean readOnly;
    private final boolean create;
    private final boolean direct;
    private final boolean durable;
    private final int queueDepth;
    private final int maxWaiting;
    /** Null: follows {@link #direct}. */
    private final Boolean submitEach;

    private BlockOptions(boolean readOnly, boolean create, boolean direct, boolean durable, int queueDepth, int maxWaiting,
                         Boolean submitEach) {
        this.readOnly = readOnly;
        this.create = create;
        this.direct = direct;
        this.durable = durable;
        this.queueDepth = queueDepth;
        this.maxWaiting = maxWaiting;
        this.submitEach = submitEach;
    }

    /** The defaults above. */
    public static BlockOptions defaults() {
        return new BlockOptions(false, false, false, false, 64, 65_536, null);
    }

    /** Opens read-only ({@code O_RDONLY}) when {@code on}. */
    public BlockOptions readOnly(boolean on) {
        return new BlockOptions(on, create, direct, durable, queueDepth, maxWaiting, submitEach);
    }

    /** Creates a missing file when {@code on}. */
    public BlockOptions create(boolean on) {
        return new BlockOptions(readOnly, on, direct, durable, queueDepth, maxWaiting, submitEach);
    }

    /** Bypasses the page cache ({@code O_DIRECT}) when {@code on}. */
    public BlockOptions direct(boolean on) {
        return new BlockOptions(readOnly, create, on, durable, queueDepth, maxWaiting, submitEach);
    }

    /** Completes writes only once on stable storage ({@code O_DSYNC}) when {@code on}. */
    public BlockOptions durable(boolean on) {
        return new BlockOptions(readOnly, create, direct, on, queueDepth, maxWaiting, submitEach);
    }

    /** Operations in flight per queue, 1–4096. */
    public BlockOptions queueDepth(int depth) {
        if (depth < 1 || depth > 4096) {
            throw new IllegalArgumentException("BlockOptions.queueDepth must be between 1 and 4096, got " + depth);
        }
        return new BlockOptions(readOnly, create, direct, durable, depth, maxWaiting, submitEach);
    }

    /** Operations that may wait beyond the queue depth per queue, 0–16 777 216. */
    public BlockOptions maxWaiting(int operations) {
        if (operations < 0 || operations > MAX_WAITING_LIMIT) {
            throw new IllegalArgumentException("BlockOptions.maxWaiting must be between 0 and " + MAX_WAITING_LIMIT + ", got " + operations);
        }
        return new BlockOptions(readOnly, create, direct, durable, queueDepth, operations, submitEach);
    }

    /**
     * Hands each io_uring operation to the kernel as it is issued when {@code on}; else with its
     * loop pass's other work, one {@code io_uring_enter} for all. Unset, it follows {@link #direct}.
     */
    public BlockOptions submitEach(boolean on) {
        return new BlockOptions(readOnly, create, direct, durable, queueDepth, maxWaiting, on);
    }

    /** Whether each io_uring operation is submitted as it is issued (set, or else {@link #direct}). */
    public boolean submitEach() {
        return submitEach != null ? submitEach : direct;
    }

    /** Whether the device opens read-only. */
    public boolean readOnly() {
        return readOnly;
    }

    /** Whether a missing file is created. */
    public boolean create() {
        return create;
    }

    /** Whether I/O bypasses the page cache. */
    public boolean direct() {
        return direct;
    }

    /** Whether writes complete on stable storage. */
    public boolean durable() {
        return durable;
    }

    /** Operations in flight per queue at most. */
    public int queueDepth() {
        return queueDepth;
    }

    /** Operations waiting beyond the depth per queue at most. */
    public int maxWaiting() {
        return maxWaiting;
    }
}
