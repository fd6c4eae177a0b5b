package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The records of an {@link EngineBind} on their way to the bind underneath: wrapped ones queue
 * here and go out as one inner send per batch, never two batches at once, so records keep the
 * order the engine made them in. Counts records (queued, written) so a send can tell when its last
 * one was written. Loop-confined: the inner send's signals hop onto the loop before touching it.
 */
final class RecordOutbox {
    private final RecordCodec codec;
    private final ArrayDeque<Segment> queue = new ArrayDeque<>();
    /** Bytes queued or in flight. */
    private int bytes;
    private long queued;
    private long written;
    private boolean inFlight;

    RecordOutbox(RecordCodec codec) {
        this.codec = codec;
    }

    /** Wraps {@code src} (null: a handshake or alert message) into queued records. */
    void wrap(ByteBuffer[] src) throws SSLException {
        int before = queue.size();
        bytes += codec.wrap(src, queue);
        queued += queue.size() - before;
    }

    /** Ciphertext bytes queued or in flight. */
    int bytes() {
        return bytes;
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

    /** Nothing queued and nothing in flight. */
    boolean idle() {
        return !inFlight && queue.isEmpty();
    }

    /** Takes the queued records out (an alert sent on its own). */
    List<Segment> takeAll() {
        List<Segment> all = new ArrayList<>(queue);
        queue.clear();
        return all;
    }

    /**
     * Hands what is queued to {@code inner} as one send, unless a batch is in flight; on
     * {@code loop}, {@code written} runs when it was written, {@code failed} when it failed.
     */
    void flush(Bind inner, java.util.concurrent.Executor loop, Runnable written, Consumer<Throwable> failed) {
        if (inFlight || queue.isEmpty()) {
            return;
        }
        List<Segment> batch = takeAll();
        long end = queued;
        int size = bytes;
        inFlight = true;
        inner.send(reactor.core.publisher.Flux.fromIterable(batch)).subscribe(c -> { },
                e -> loop.execute(() -> failed.accept(e)), () -> loop.execute(() -> {
                    inFlight = false;
                    bytes -= size;
                    this.written = end;
                    written.run();
                }));
    }

    /** The batch in flight will not be confirmed (the peer closed after our close_notify): count it written. */
    void abandonInFlight() {
        inFlight = false;
        written = queued;
    }

    /** Releases the queued records. */
    void release() {
        Segment s;
        while ((s = queue.poll()) != null) {
            s.release();
        }
    }
}
