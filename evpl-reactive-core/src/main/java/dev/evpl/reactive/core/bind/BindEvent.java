package dev.evpl.reactive.core.bind;

import java.net.SocketAddress;

/** What happens to a connection, for those who want it: see {@link Bind#events()}. */
public sealed interface BindEvent permits BindEvent.Connected, BindEvent.Sent, BindEvent.Disconnected {

    /** The connection is up (always the first event). */
    record Connected(SocketAddress local, SocketAddress remote) implements BindEvent {
    }

    /** One flush handed {@code bytes} of {@code messages} whole segments to the kernel. */
    record Sent(long bytes, long messages) implements BindEvent {
    }

    /** The connection is gone (always the last event); {@code cause} is null for an orderly close. */
    record Disconnected(Throwable cause) implements BindEvent {
    }
}
