package dev.evpl.reactive.http;

/**
 * A protocol error with the status it answers to: a malformed or unacceptable request on the server
 * (400, 408, 414, 431, 501, 505…), or a malformed response on the client (status 0 there). The
 * message says exactly what was wrong.
 */
public final class HttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /** An error answered with {@code status}; {@code message} names the offending part. */
    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** An error answered with {@code status}, caused by {@code cause} (a refused connect, a failed TLS handshake). */
    public HttpException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The status this error answers to (0 when there is no response to send). */
    public int status() {
        return status;
    }
}
