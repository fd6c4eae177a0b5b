/**
 * Event loops: {@link dev.evpl.reactive.core.EventLoop} (one thread, a pinned Reactor
 * {@code Scheduler}; timers, deferrals, doorbells, descriptors, poll sources) and
 * {@link dev.evpl.reactive.core.EventLoopGroup}; their configuration
 * ({@link dev.evpl.reactive.core.LoopConfig}, {@link dev.evpl.reactive.core.UringConfig},
 * {@link dev.evpl.reactive.core.GroupConfig}). Binds, buffers and framing live in the
 * {@code bind}, {@code buffer} and {@code framing} sub-packages; {@code internal} packages are not API.
 */
package dev.evpl.reactive.core;
