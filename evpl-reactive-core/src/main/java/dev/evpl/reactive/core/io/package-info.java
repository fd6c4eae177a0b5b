/**
 * What the operating system reports: {@link dev.evpl.reactive.core.io.NativeIoException}, a failed
 * system call with its target and {@code errno}. A leaf package: every layer (buffers, loops,
 * transports) throws it, and it depends on none of them.
 */
package dev.evpl.reactive.core.io;
