package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * What every stream bind shares, whatever carries the bytes: the receive publisher, the two send
 * paths (a publisher through {@link SendOp}, one segment through {@link MonoSendOne}) and the close
 * signal. Backends provide the {@link SendTarget} and {@link ReceiveSource} halves.
 */
abstract class StreamBindBase extends LoopBoundSource implements Bind, SendTarget {
    final ReceivePublisher<Segment> receiver = new ReceivePublisher<>(this, Segment::release);
    final Sinks.Empty<Void> closeSink = Sinks.empty();

    /** Written by the loop only; read racily by {@link #bytesSent()}. */
    volatile long bytesSent;

    StreamBindBase(EventLoop loop) {
        super(loop);
    }

    @Override
    public final long bytesSent() {
        return bytesSent;
    }

    @Override
    public final int sendBacklog() {
        return unsentBytes();
    }

    /** Loop: {@code n} more bytes were written. */
    final void sent(long n) {
        bytesSent = bytesSent + n; // single writer: no atomic needed
    }

    @Override
    public final Flux<Segment> receive() {
        return Flux.from(receiver);
    }

    @Override
    public final Mono<Completion> send(Publisher<Segment> data) {
        return Mono.create(sink -> data.subscribe(new SendOp(this, sink)));
    }

    @Override
    public final Mono<Completion> send(Segment data) {
        return new MonoSendOne(this, data);
    }

    @Override
    public final Mono<Completion> send(java.nio.ByteBuffer bytes) {
        return new MonoSendOne(this, bytes.duplicate());
    }

    @Override
    public final void close() {
        onLoop(this::closeOnLoop);
    }

    @Override
    public final Mono<Void> onClose() {
        return closeSink.asMono();
    }

    /** Loop: close now, in an orderly way (no error). */
    abstract void closeOnLoop();
}
