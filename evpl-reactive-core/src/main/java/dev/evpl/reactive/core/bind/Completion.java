package dev.evpl.reactive.core.bind;

/**
 * What one {@link Bind#send} wrote: {@code bytes} handed to the kernel and {@code messages}
 * (segments) fully written.
 */
public record Completion(long bytes, long messages) {
}
