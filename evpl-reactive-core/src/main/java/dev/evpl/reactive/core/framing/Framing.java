package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.buffer.Segment;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The framing operator: turns a stream of arbitrarily cut segments into message segments, as told
 * by a {@link SegmentFunction}. Zero-copy: a message is a slice of what arrived, or a composite when
 * it spans several reads or buffers. Demand counts messages: {@code request(n)} reads from upstream
 * until n messages are complete. Over a stream protocol this gives reliable datagrams (libevpl's
 * "connected msg" mode).
 *
 * <p>A rejection (negative length or {@link FramingException}) cancels upstream and fails with a
 * {@link FramingException} naming the reason; so does an end of stream inside a message. Buffered
 * bytes are released on error and cancel.
 *
 * <p>A delivered message is the whole frame as the function measured it: a length-prefixed
 * message includes its prefix, a delimited one its delimiter. The sending half is a
 * {@link FrameEncoder} ({@link #send}).
 */
public final class Framing {
    private Framing() {
    }

    /** The operator, for {@code flux.transform(Framing.frames(fn))}. */
    public static Function<Flux<Segment>, Flux<Segment>> frames(SegmentFunction fn) {
        return source -> new FluxFrames(source, fn);
    }

    /**
     * Sends each payload of {@code payloads} framed by {@code encoder} (taking ownership of each),
     * from any thread: payloads are encoded on the bind's loop, in order, without copying them.
     * Completes as {@link Bind#send(Publisher)} does. A pipeline already on the loop can call
     * {@code encoder.encode(payload, bind.loop().allocator())} in a {@code map} itself and skip the hop.
     */
    public static Mono<Completion> send(Bind bind, FrameEncoder encoder, Publisher<Segment> payloads) {
        EventLoop loop = bind.loop();
        return bind.send(Flux.from(payloads).publishOn(loop).map(p -> encoder.encode(p, loop.allocator())));
    }

    /**
     * Sends each byte array of {@code payloads} framed by {@code encoder}, from any thread: each
     * array is copied into a pooled segment on the bind's loop and framed there, in order. Leave the
     * arrays alone once emitted.
     */
    public static Mono<Completion> sendBytes(Bind bind, FrameEncoder encoder, Publisher<byte[]> payloads) {
        EventLoop loop = bind.loop();
        return bind.send(Flux.from(payloads).publishOn(loop)
                .map(b -> encoder.encode(loop.allocator().copyOf(b), loop.allocator())));
    }

    /** The messages of {@code bind}; a rejection also closes the bind (only that one). */
    public static Flux<Segment> receive(Bind bind, SegmentFunction fn) {
        return new FluxFrames(bind.receive(), fn).doOnError(FramingException.class, e -> bind.close());
    }
}
