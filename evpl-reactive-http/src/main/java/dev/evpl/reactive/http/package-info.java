/**
 * HTTP/1.1 on evpl binds, over any stream protocol. Server: {@link dev.evpl.reactive.http.HttpServer}
 * (routes or a plain handler, strict request parsing, request bodies with demand, streamed or known
 * responses, pipelining, 100-continue, timeouts, graceful dispose), each connection confined to the
 * loop it was accepted on. Client: {@link dev.evpl.reactive.http.HttpClient}, pooled per host on
 * the calling loop. Bodies are zero-copy {@link dev.evpl.reactive.core.buffer.Segment}s; the
 * subscriber owns each one it receives and releases it.
 */
package dev.evpl.reactive.http;
