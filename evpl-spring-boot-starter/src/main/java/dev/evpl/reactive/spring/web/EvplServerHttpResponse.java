package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.http.HttpServerResponse;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * WebFlux's side of an evpl response: status, headers and cookies applied at commit, the body
 * written as segments ({@link SegmentDataBuffer}s without a copy, other buffers copied once). The
 * evpl server chooses the framing (Content-Length when WebFlux set it, else chunked) and flushes
 * as it writes, so {@code writeAndFlushWith} (server-sent events) streams each element at once.
 */
final class EvplServerHttpResponse extends AbstractServerHttpResponse {
    private final HttpServerResponse response;
    private final SegmentDataBufferFactory buffers;

    EvplServerHttpResponse(HttpServerResponse response, SegmentDataBufferFactory buffers) {
        super(buffers, new HttpHeaders());
        this.response = response;
        this.buffers = buffers;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeResponse() {
        return (T) response;
    }

    @Override
    protected void applyStatusCode() {
        HttpStatusCode status = getStatusCode();
        if (status != null) {
            response.status(status.value());
        }
    }

    @Override
    protected void applyHeaders() {
        SpringHeaders.forEach(getHeaders(), response::header);
    }

    @Override
    protected void applyCookies() {
        for (List<ResponseCookie> cookies : getCookies().values()) {
            for (ResponseCookie cookie : cookies) {
                response.header(HttpHeaders.SET_COOKIE, cookie.toString());
            }
        }
    }

    @Override
    protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> body) {
        if (body instanceof Mono<? extends DataBuffer> one) {
            // WebFlux's usual body (an encoded value): the server's one-segment path, length known,
            // no streaming machinery
            return response.send(one.map(buffers::toSegment));
        }
        return response.send(Flux.from(body).map(buffers::toSegment));
    }

    @Override
    protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return response.send(Flux.from(body).concatMap(Flux::from).map(buffers::toSegment));
    }

    @Override
    public Mono<Void> setComplete() {
        return isCommitted() ? Mono.empty() : doCommit(response::send);
    }
}
