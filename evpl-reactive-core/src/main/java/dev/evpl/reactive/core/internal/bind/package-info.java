/**
 * The library's own seam between stream binds and what sits on them (TLS, the HTTP server's
 * responses): a bind's send queue as a {@link dev.evpl.reactive.core.internal.bind.SegmentSink},
 * reached without a {@code Mono} per send. Not API.
 */
package dev.evpl.reactive.core.internal.bind;
