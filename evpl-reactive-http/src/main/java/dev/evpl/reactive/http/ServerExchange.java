package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import java.net.SocketAddress;

/**
 * What a server request and its response need from what carries them: the HTTP/1.1 connection
 * ({@link ServerConnection}) today, a stream of a multiplexed HTTP/2 connection later. The
 * request and response talk to nothing else, so a second carrier implements this and reuses
 * both, their bodies and the routes unchanged. Loop-confined except {@link #onLoop}.
 */
interface ServerExchange {

    /** The loop the exchange runs on. */
    EventLoop loop();

    /** The peer's address. */
    SocketAddress remoteAddress();

    /** The local address the request arrived on. */
    SocketAddress localAddress();

    /** The TLS session the request arrived over; null over plain HTTP. */
    javax.net.ssl.SSLSession sslSession();

    /** Loop: the handler asked for (more of) the request's body: read it, sending 100 Continue first if owed. */
    void bodyDemanded(ServerRequest request);

    /** Whether {@code request} is still in progress here (not ended, not cut off by a close). */
    boolean isCurrent(ServerRequest request);

    /** Runs {@code task} on the loop (now when on it); false when the loop is gone. Any thread. */
    boolean onLoop(Runnable task);

    /**
     * Loop: writes the committed response {@code response} with {@code body}; {@code send} hears the
     * outcome (it subscribes to the write's completion, then reports through {@link #responseWritten}
     * or {@link #responseFailed}).
     */
    void writeResponse(ServerResponse response, ResponseBody body, ResponseSend send);

    /** Loop: the handler's publisher for {@code request} completed. */
    void handlerCompleted(ServerRequest request);

    /** Loop: the handler for {@code request} failed (threw, or its publisher signalled an error). */
    void handlerFailed(ServerRequest request, Throwable error);

    /** Loop: the response to {@code request} was fully written. */
    void responseWritten(ServerRequest request);

    /** Loop: the response to {@code request} could not be written (connection lost, body failed after the head). */
    void responseFailed(ServerRequest request, Throwable error);
}
