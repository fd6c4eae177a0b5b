package dev.evpl.reactive.http;

/** Watches the handler's publisher of one exchange and reports its end to the connection, on its loop. */
final class HandlerSubscriber extends TerminalOnLoop<Void> {
    private final ServerConnection connection;
    private final ServerRequest request;

    HandlerSubscriber(ServerConnection connection, ServerRequest request) {
        super(connection);
        this.connection = connection;
        this.request = request;
    }

    @Override
    void terminated(Throwable error) {
        if (error != null) {
            connection.handlerFailed(request, error);
        } else {
            connection.handlerCompleted(request);
        }
    }
}
