package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.http.HttpServerRequest;
import dev.evpl.reactive.http.HttpServerResponse;
import java.net.URI;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHeadResponseDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * Runs a Spring {@link HttpHandler} (WebFlux's whole stack) as an evpl
 * {@link dev.evpl.reactive.http.HttpHandler}. Each exchange is adapted on its connection's event
 * loop and the handler is subscribed there; nothing here blocks. Thread-safe, stateless.
 */
public final class EvplHttpHandlerAdapter implements dev.evpl.reactive.http.HttpHandler {
    private static final Log LOG = LogFactory.getLog(EvplHttpHandlerAdapter.class);

    private final HttpHandler handler;
    private final SegmentDataBufferFactory buffers = SegmentDataBufferFactory.INSTANCE;

    /** An adapter running {@code handler}. */
    public EvplHttpHandlerAdapter(HttpHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        URI uri;
        try {
            uri = EvplServerHttpRequest.uri(request);
        } catch (IllegalArgumentException e) {
            // The evpl parser accepts RFC 9112 targets that java.net.URI refuses (e.g. '|' unescaped).
            response.status(400).header("Connection", "close").header("Content-Type", "text/plain");
            return response.sendString("invalid request target: " + e.getMessage() + "\n");
        }
        EvplServerHttpRequest req = new EvplServerHttpRequest(request, buffers, uri);
        ServerHttpResponse res = new EvplServerHttpResponse(response, buffers);
        if (req.getMethod() == HttpMethod.HEAD) {
            res = new HttpHeadResponseDecorator(res);
        }
        return handler.handle(req, res).doOnError(e -> {
            if (LOG.isDebugEnabled()) {
                LOG.debug("handler failed for " + request.method() + " " + request.target(), e);
            }
        });
    }
}
