package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import reactor.core.publisher.Mono;

/** A datagram {@link Transport}: it opens binds that send and receive whole messages. */
public interface DatagramTransport extends Transport {

    /**
     * Binds to {@code local} (already checked to fit the protocol) on {@code loop}; datagrams
     * larger than {@code maxDatagram} bytes are reported as errors. Lazy, like every Mono here.
     */
    Mono<DatagramBind> open(EventLoop loop, Endpoint local, int maxDatagram);
}
