/**
 * Files and block devices on evpl loops. {@link dev.evpl.reactive.block.BlockDevice} owns the
 * descriptor; a {@link dev.evpl.reactive.block.BlockQueue} per device and loop keeps at most
 * {@code queueDepth} operations in flight on that loop's io_uring ring (or a thread pool, where
 * io_uring is unavailable) and delivers results on the loop. Reads land in the loop's pooled
 * memory, the same segments the network sends from.
 */
package dev.evpl.reactive.block;
