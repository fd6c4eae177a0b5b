package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * One datagram: its bytes and the peer (the sender when received, the recipient when sent): an
 * {@code InetSocketAddress} for UDP, the bind's in-process address for {@code DATAGRAM_INPROC}. The
 * holder owns {@code data}: release it, or hand the datagram to {@link DatagramBind#send}.
 */
public record Datagram(Segment data, SocketAddress address) {
    /** Both parts are required. */
    public Datagram {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(address, "address");
    }
}
