package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.http.HttpClient;
import java.net.URI;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import reactor.core.publisher.Mono;

/**
 * Runs Spring's {@code WebClient} on an evpl {@link HttpClient}: pooled keep-alive connections on
 * evpl loops, request bodies sent from segments (Content-Length when WebClient set one, else
 * chunked), response bodies received as {@link SegmentDataBuffer}s without a copy. Thread-safe.
 */
public final class EvplClientHttpConnector implements ClientHttpConnector {
    private final HttpClient client;
    private final SegmentDataBufferFactory buffers = SegmentDataBufferFactory.INSTANCE;

    /** A connector sending through {@code client} (owned by the caller). */
    public EvplClientHttpConnector(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The evpl client underneath. */
    public HttpClient client() {
        return client;
    }

    @Override
    public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
            Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
        EvplClientHttpRequest request = new EvplClientHttpRequest(method, uri, buffers);
        return requestCallback.apply(request)
                .then(Mono.defer(() -> client.request(method.name(), uri.toString(),
                        h -> SpringHeaders.forEach(request.getHeaders(), h::add), request.body())))
                .map(r -> new EvplClientHttpResponse(r, buffers));
    }
}
