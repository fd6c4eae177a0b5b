package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.buffer.Segment;
import java.net.URI;
import java.util.List;
import java.util.StringJoiner;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.AbstractClientHttpRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * WebClient's request, collected before it is sent: {@code writeWith} records the body (as a
 * publisher of segments, subscribed by the evpl client when the connection is ready) and the
 * connector sends method, URI, headers and body in one go. Used by one exchange at a time.
 */
final class EvplClientHttpRequest extends AbstractClientHttpRequest {
    private final HttpMethod method;
    private final URI uri;
    private final SegmentDataBufferFactory buffers;
    private volatile Publisher<Segment> body;

    EvplClientHttpRequest(HttpMethod method, URI uri, SegmentDataBufferFactory buffers) {
        this.method = method;
        this.uri = uri;
        this.buffers = buffers;
    }

    /** The body to send, or null for none. */
    Publisher<Segment> body() {
        return body;
    }

    @Override
    public HttpMethod getMethod() {
        return method;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public DataBufferFactory bufferFactory() {
        return buffers;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeRequest() {
        return (T) this;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        return doCommit(() -> {
            this.body = Flux.from(body).map(buffers::toSegment);
            return Mono.empty();
        });
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return writeWith(Flux.from(body).concatMap(Flux::from));
    }

    @Override
    public Mono<Void> setComplete() {
        return doCommit();
    }

    @Override
    protected void applyHeaders() {
        // read by the connector when it sends
    }

    @Override
    protected void applyCookies() {
        if (getCookies().isEmpty()) {
            return;
        }
        StringJoiner cookie = new StringJoiner("; ");
        for (List<HttpCookie> values : getCookies().values()) {
            for (HttpCookie c : values) {
                cookie.add(c.getName() + "=" + c.getValue());
            }
        }
        getHeaders().add(HttpHeaders.COOKIE, cookie.toString());
    }
}
