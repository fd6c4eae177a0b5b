package dev.evpl.reactive.http;

/**
 * The limits and timeouts of an {@link HttpServer}, validated by its builder.
 *
 * @param maxTargetLength longest request target (else 414)
 * @param maxHeaderSize largest header section, and trailer section (else 431)
 * @param readTimeoutNanos time allowed for a request head once its first byte arrived (else 408)
 * @param idleTimeoutNanos time a persistent connection may wait for its next request (then closed quietly)
 * @param maxDiscardBytes request body left unread by a handler that is read and dropped to keep the
 *        connection; a longer one closes it
 */
record ServerSettings(int maxTargetLength, int maxHeaderSize, long readTimeoutNanos, long idleTimeoutNanos,
                      long maxDiscardBytes) {
}
