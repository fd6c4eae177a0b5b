package dev.evpl.reactive.core.framing;

/** A stream that violates its framing: the message says what was wrong and where. */
public final class FramingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A violation described by {@code message}. */
    public FramingException(String message) {
        super(message);
    }
}
