/**
 * The library's own seam between stream binds and the transports layered on them (TLS): a bind's
 * send queue as a {@link dev.evpl.reactive.core.internal.bind.SegmentSink}. Not API.
 */
package dev.evpl.reactive.core.internal.bind;
