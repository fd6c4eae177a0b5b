package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.buffer.Segment;
import java.util.function.Function;
import reactor.core.publisher.Flux;

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
 */
public final class Framing {
    private Framing() {
    }

    /** The operator, for {@code flux.transform(Framing.frames(fn))}. */
    public static Function<Flux<Segment>, Flux<Segment>> frames(SegmentFunction fn) {
        return source -> new FluxFrames(source, fn);
    }

    /** The messages of {@code bind}; a rejection also closes the bind (only that one). */
    public static Flux<Segment> receive(Bind bind, SegmentFunction fn) {
        return new FluxFrames(bind.receive(), fn).doOnError(FramingException.class, e -> bind.close());
    }
}
