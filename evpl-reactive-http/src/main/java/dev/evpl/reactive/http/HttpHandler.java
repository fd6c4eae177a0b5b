package dev.evpl.reactive.http;

import org.reactivestreams.Publisher;

/**
 * Serves one request: reads {@code request} (its body at its own pace) and writes {@code response};
 * the returned publisher completes when the exchange is done. Called on the connection's event loop:
 * never block in it. If it completes without sending, an empty response with the status set so far
 * (200 by default) is sent; if it fails before sending, the client gets a 500 and the connection
 * closes; if it fails after the head was sent, the connection is closed (the client sees a
 * truncated message, never a wrong one).
 */
@FunctionalInterface
public interface HttpHandler {
    /** Handles one exchange. */
    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response);
}
