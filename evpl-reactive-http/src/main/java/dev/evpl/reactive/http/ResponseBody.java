package dev.evpl.reactive.http;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.concurrent.Callable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * What a response sends, decided once by the {@code send…} method that made it: the writer
 * frames each kind its own way (a known length, or chunks) and an HTTP/2 stream can take the same
 * values. Immutable; made on the handler's thread, written on the connection's loop.
 */
sealed interface ResponseBody {
    /** No body ({@code send()}). */
    ResponseBody EMPTY = new Empty();

    /**
     * Releases what a body that will not be sent already holds: a {@code Mono.just}-style segment
     * is taken and released, an eager stream discards what it buffered; other publishers were not
     * subscribed, so a cold one produced nothing.
     */
    void discardUnsent();

    /** No body. */
    record Empty() implements ResponseBody {
        @Override
        public void discardUnsent() {
        }
    }

    /** Bytes copied on the loop (small ones go behind the head in one segment). */
    record Bytes(byte[] bytes) implements ResponseBody {
        @Override
        public void discardUnsent() {
        }
    }

    /**
     * A string ({@code sendString(String)}), encoded on the loop: straight into the head's segment
     * when it is short ASCII (no byte array per response), else as UTF-8 bytes.
     */
    record Text(String text) implements ResponseBody {
        @Override
        public void discardUnsent() {
        }
    }

    /** One segment, its length known before the head is written. */
    record One(Mono<Segment> segment) implements ResponseBody {
        @Override
        public void discardUnsent() {
            if (segment instanceof Callable<?> callable) {
                try {
                    Object value = callable.call();
                    if (value instanceof Segment s) {
                        s.release();
                    }
                } catch (Throwable ignored) {
                    // the body failed on its own: nothing was allocated for it
                }
            }
        }
    }

    /** Strings, each encoded as UTF-8 on the loop, streamed (chunked). */
    record Strings(Publisher<String> strings) implements ResponseBody {
        @Override
        public void discardUnsent() {
        }
    }

    /** Segments streamed (chunked, or until close for HTTP/1.0). */
    record Stream(Publisher<Segment> segments) implements ResponseBody {
        @Override
        public void discardUnsent() {
            if (segments instanceof EagerBody eager) {
                eager.discard();
            }
        }
    }

    /** The body of a {@code send(Publisher)}: one segment when the publisher is a {@code Mono}, else a stream. */
    static ResponseBody of(Publisher<Segment> body) {
        return body instanceof Mono<Segment> mono ? new One(mono) : new Stream(body);
    }
}
