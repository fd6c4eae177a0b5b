package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.internal.bind.SegmentSink;
import dev.evpl.reactive.core.internal.bind.SendCallback;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Flux;

/**
 * The records of an {@link EngineBind} on their way to the bind underneath, in the order the engine
 * made them. Counts records (queued, written) so a send can tell when its last one was written.
 *
 * <p>Over a built-in bind (a {@link SegmentSink}) each record is queued straight into the inner
 * bind's send queue, this object being every record's callback: no publisher, subscription or
 * completion per batch, and the inner bind's once-per-pass flush gathers the records of all sends
 * into one {@code writev}. Over any other bind the records go down as one inner
 * {@code send(Publisher)} per batch, never two batches at once (so they cannot be reordered).
 * Loop-confined: callbacks arrive on the loop (the fallback's hop onto it first).
 */
final class RecordOutbox implements SendCallback {
    private final RecordCodec codec;
    private final Bind inner;
    private final SegmentSink sink;
    private final Runnable onWritten;
    private final Consumer<Throwable> onFailed;
    private final ArrayDeque<Segment> queue = new ArrayDeque<>();
    /** Bytes queued here or handed down and not yet written. */
    private int bytes;
    /** Bytes queued here, not yet handed down. */
    private int queuedBytes;
    private long queued;
    private long written;
    /** Fallback: a batch is handed down and not yet confirmed. */
    private boolean inFlight;

    /**
     * {@code onWritten}: records were written (on the loop); {@code onFailed}: the inner bind failed
     * a record (once per record still queued there).
     */
    RecordOutbox(RecordCodec codec, Bind inner, Runnable onWritten, Consumer<Throwable> onFailed) {
        this.codec = codec;
        this.inner = inner;
        this.sink = inner instanceof SegmentSink s ? s : null;
        this.onWritten = onWritten;
        this.onFailed = onFailed;
    }

    /** Wraps a handshake or alert message into queued records. */
    void wrap() throws SSLException {
        count(queue.size(), codec.wrap((ByteBuffer[]) null, queue));
    }

    /** Wraps the plaintext of {@code plain} into queued records. */
    void wrap(Segment plain) throws SSLException {
        count(queue.size(), codec.wrap(plain, queue));
    }

    private void count(int before, int n) {
        bytes += n;
        queuedBytes += n;
        queued += queue.size() - before;
    }

    /** Ciphertext bytes not yet written (queued here or in the inner bind). */
    int bytes() {
        return bytes;
    }

    /** Ciphertext bytes not yet handed to the inner bind (the rest is in its own backlog). */
    int queuedBytes() {
        return queuedBytes;
    }

    /** Records queued so far (a send's last record is the one with this number). */
    long queued() {
        return queued;
    }

    /** Records written so far. */
    long written() {
        return written;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Every record made so far was written. */
    boolean idle() {
        return written == queued;
    }

    /**
     * Loop: takes out the alert {@code engine} prepared while failing. A failure inside a delegated
     * task is thrown again by the next engine call, which only then prepares the alert: a few tries.
     */
    List<Segment> takeAlert(javax.net.ssl.SSLEngine engine) {
        for (int i = 0; i < 3 && queue.isEmpty() && !engine.isOutboundDone(); i++) {
            try {
                wrap();
            } catch (SSLException | RuntimeException ignored) {
                // the stored failure: the alert follows on the next call
            }
        }
        return takeAll();
    }

    /** Takes the queued records out (an alert sent on its own). */
    List<Segment> takeAll() {
        List<Segment> all = new ArrayList<>(queue);
        queue.clear();
        bytes -= queuedBytes;
        queuedBytes = 0;
        return all;
    }

    /** Loop: hands what is queued to the inner bind (the fallback: unless a batch is in flight). */
    void flush() {
        if (queue.isEmpty()) {
            return;
        }
        if (sink != null) {
            Segment s;
            while ((s = queue.poll()) != null) {
                queuedBytes -= s.readableBytes();
                sink.enqueue(s, this); // may call written() at once (an in-process peer)
            }
            return;
        }
        if (inFlight) {
            return;
        }
        List<Segment> batch = new ArrayList<>(queue);
        queue.clear();
        long end = queued;
        int size = queuedBytes;
        queuedBytes = 0;
        inFlight = true;
        inner.send(Flux.fromIterable(batch)).subscribe(c -> { },
                e -> inner.loop().execute(() -> onFailed.accept(e)), () -> inner.loop().execute(() -> {
                    inFlight = false;
                    bytes -= size;
                    written = end;
                    onWritten.run();
                }));
    }

    /** Loop (the inner bind's flush): one record handed down was written. */
    @Override
    public void written(int n) {
        bytes -= n;
        written++;
        onWritten.run();
    }

    /** Loop: the inner bind failed or closed with records of ours still queued. */
    @Override
    public void fail(Throwable cause) {
        if (written < queued) { // once per failure, not once per record
            onFailed.accept(cause);
        }
    }

    /** The records handed down will not be confirmed (the peer closed after our close_notify): count them written. */
    void abandonInFlight() {
        inFlight = false;
        written = queued - queue.size();
        bytes = queuedBytes;
    }

    /** Releases the queued records. */
    void release() {
        Segment s;
        while ((s = queue.poll()) != null) {
            s.release();
        }
        queuedBytes = 0;
    }
}
