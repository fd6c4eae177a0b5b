package dev.evpl.reactive.http;

/** The pool limits and timeouts of an {@link HttpClient}, validated by its builder. */
record ClientSettings(int maxConnections, int pendingAcquireMaxCount, long pendingAcquireTimeoutNanos,
                      long maxIdleTimeNanos, long maxLifeTimeNanos, long responseTimeoutNanos, int maxHeaderSize) {
}
