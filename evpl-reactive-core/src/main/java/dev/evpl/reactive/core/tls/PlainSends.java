package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.ArrayDeque;
import javax.net.ssl.SSLException;

/**
 * The pending {@code send}s of an {@link EngineBind}, in call order: their plaintext is wrapped
 * one send after the other (a later send's bytes follow an earlier one's), and each completes once
 * the record holding its last bytes was written. Loop-confined.
 */
final class PlainSends {
    private final ArrayDeque<PlainSend> sends = new ArrayDeque<>();
    /** Plaintext bytes wrapped into records so far. */
    private long wrapped;

    void add(PlainSend s) {
        sends.add(s);
    }

    boolean isEmpty() {
        return sends.isEmpty();
    }

    long wrappedBytes() {
        return wrapped;
    }

    /**
     * Wraps pending plaintext in order while {@code outbox} holds fewer than {@code limit} bytes,
     * asking the sends for more; returns whether every send is wholly wrapped (sealed).
     */
    boolean wrap(RecordOutbox outbox, int limit) throws SSLException {
        for (PlainSend s : sends) {
            while (outbox.bytes() < limit && !s.pending.isEmpty()) {
                Segment plain = s.pending.poll();
                try {
                    outbox.wrap(plain.asByteBuffers());
                    wrapped += plain.readableBytes();
                } finally {
                    plain.release();
                }
            }
            if (s.drained() && s.sealedAt < 0) {
                s.sealedAt = outbox.queued();
            }
            if (outbox.bytes() >= limit) {
                return false;
            }
            s.requestMore();
            if (!s.drained()) {
                return false; // later sends wait: their bytes follow this one's
            }
        }
        return true;
    }

    /** Completes the sends whose last record is among the first {@code written} records. */
    void completeWritten(long written) {
        PlainSend s;
        while ((s = sends.peek()) != null && s.sealedAt >= 0 && s.sealedAt <= written) {
            sends.poll();
            s.complete();
        }
    }

    /** Fails every pending send with {@code cause}. */
    void failAll(Throwable cause) {
        PlainSend s;
        while ((s = sends.poll()) != null) {
            s.fail(cause);
        }
    }
}
