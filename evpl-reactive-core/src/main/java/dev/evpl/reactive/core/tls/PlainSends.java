package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The pending {@code send}s of an {@link EngineBind} and their plaintext, as the plain binds treat
 * concurrent sends: segments are wrapped in the order they arrived on the loop, whichever send they
 * belong to (one send's segments stay in order; two sends running at once interleave at segment
 * boundaries), and each send completes once the record holding its last bytes was written.
 * Loop-confined.
 */
final class PlainSends {
    private final List<PlainSend> sends = new ArrayList<>();
    /** Segments not yet wrapped, in arrival order, with the send each belongs to. */
    private final ArrayDeque<Segment> queue = new ArrayDeque<>();
    private final ArrayDeque<PlainSend> owners = new ArrayDeque<>();
    /** Plaintext bytes wrapped into records so far. */
    private long wrapped;

    void add(PlainSend s) {
        sends.add(s);
    }

    /** A segment of {@code owner} arrived (ownership moves here). */
    void arrived(PlainSend owner, Segment s) {
        queue.add(s);
        owners.add(owner);
        owner.queued++;
    }

    boolean isEmpty() {
        return sends.isEmpty();
    }

    long wrappedBytes() {
        return wrapped;
    }

    /**
     * Wraps queued plaintext in arrival order while {@code outbox} holds fewer than {@code limit}
     * bytes, then asks the sends for more; returns whether every send is wholly wrapped (sealed).
     */
    boolean wrap(RecordOutbox outbox, int limit) throws SSLException {
        while (outbox.bytes() < limit && !queue.isEmpty()) {
            Segment plain = queue.poll();
            PlainSend owner = owners.poll();
            owner.queued--;
            try {
                if (!owner.finished) { // a send that failed meanwhile: its bytes are dropped
                    outbox.wrap(plain);
                    wrapped += plain.readableBytes();
                    owner.lastRecordAt = outbox.queued();
                }
            } finally {
                plain.release();
            }
        }
        boolean allSealed = true;
        for (int i = 0; i < sends.size(); i++) {
            PlainSend s = sends.get(i);
            if (s.drained() && s.sealedAt < 0) {
                // nothing of it left to wrap: done once its last record (or, for an empty send,
                // everything queued before it) was written
                s.sealedAt = Math.max(s.lastRecordAt, 0);
            }
            if (outbox.bytes() < limit) {
                s.requestMore();
            }
            allSealed &= s.sealedAt >= 0;
        }
        return allSealed;
    }

    /** Whether a send would complete once {@code written} records are written. */
    boolean completable(long written) {
        for (int i = 0; i < sends.size(); i++) {
            long at = sends.get(i).sealedAt;
            if (at >= 0 && at <= written) {
                return true;
            }
        }
        return false;
    }

    /** Completes the sends whose last record is among the first {@code written} records. */
    void completeWritten(long written) {
        for (int i = 0; i < sends.size(); ) {
            PlainSend s = sends.get(i);
            if (s.finished) {
                sends.remove(i); // failed on its own (its publisher's error)
            } else if (s.sealedAt >= 0 && s.sealedAt <= written) {
                sends.remove(i);
                s.completeSend();
            } else {
                i++;
            }
        }
    }

    /** Fails every pending send with {@code cause} and releases the plaintext not yet wrapped. */
    void failAll(Throwable cause) {
        List<PlainSend> all = new ArrayList<>(sends);
        sends.clear();
        Segment s;
        while ((s = queue.poll()) != null) {
            owners.poll().queued--;
            s.release();
        }
        for (PlainSend p : all) {
            p.failSend(cause);
        }
    }
}
