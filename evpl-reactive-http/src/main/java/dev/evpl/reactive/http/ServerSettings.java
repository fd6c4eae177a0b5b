package dev.evpl.reactive.http;

/**
 * The limits and timeouts of an {@link HttpServer}, validated by its builder. Immutable; the
 * {@code with…} methods return a copy with one value changed.
 *
 * @param maxTargetLength longest request target (else 414)
 * @param maxHeaderSize largest header section, and trailer section (else 431)
 * @param readTimeoutNanos time allowed for a request head once its first byte arrived (else 408)
 * @param idleTimeoutNanos time a persistent connection may wait for its next request (then closed quietly)
 * @param maxDiscardBytes request body left unread by a handler that is read and dropped to keep the
 *        connection; a longer one closes it
 * @param bodyTimeoutNanos time a request body may go without a byte while the handler wants more
 *        (a trickling upload; then 408, or a close once the response began)
 * @param writeTimeoutNanos time a response may stay unwritten without any byte leaving (a client that
 *        does not read; then the connection is closed)
 */
record ServerSettings(int maxTargetLength, int maxHeaderSize, long readTimeoutNanos, long idleTimeoutNanos,
                      long maxDiscardBytes, long bodyTimeoutNanos, long writeTimeoutNanos) {

    static final ServerSettings DEFAULTS = new ServerSettings(8192, 8192, seconds(30), seconds(60), 65536,
            seconds(60), seconds(60));

    private static long seconds(long s) {
        return s * 1_000_000_000L;
    }

    ServerSettings withMaxTargetLength(int v) {
        return new ServerSettings(v, maxHeaderSize, readTimeoutNanos, idleTimeoutNanos, maxDiscardBytes, bodyTimeoutNanos, writeTimeoutNanos);
    }

    ServerSettings withMaxHeaderSize(int v) {
        return new ServerSettings(maxTargetLength, v, readTimeoutNanos, idleTimeoutNanos, maxDiscardBytes, bodyTimeoutNanos, writeTimeoutNanos);
    }

    ServerSettings withReadTimeout(long v) {
        return new ServerSettings(maxTargetLength, maxHeaderSize, v, idleTimeoutNanos, maxDiscardBytes, bodyTimeoutNanos, writeTimeoutNanos);
    }

    ServerSettings withIdleTimeout(long v) {
        return new ServerSettings(maxTargetLength, maxHeaderSize, readTimeoutNanos, v, maxDiscardBytes, bodyTimeoutNanos, writeTimeoutNanos);
    }

    ServerSettings withMaxDiscard(long v) {
        return new ServerSettings(maxTargetLength, maxHeaderSize, readTimeoutNanos, idleTimeoutNanos, v, bodyTimeoutNanos, writeTimeoutNanos);
    }

    ServerSettings withBodyTimeout(long v) {
        return new ServerSettings(maxTargetLength, maxHeaderSize, readTimeoutNanos, idleTimeoutNanos, maxDiscardBytes, v, writeTimeoutNanos);
    }

    ServerSettings withWriteTimeout(long v) {
        return new ServerSettings(maxTargetLength, maxHeaderSize, readTimeoutNanos, idleTimeoutNanos, maxDiscardBytes, bodyTimeoutNanos, v);
    }
}
