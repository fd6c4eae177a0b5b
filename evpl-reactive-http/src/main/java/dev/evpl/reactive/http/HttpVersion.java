package dev.evpl.reactive.http;

/** The HTTP versions this module speaks. */
public enum HttpVersion {
    /** HTTP/1.0: close after each exchange unless {@code Connection: keep-alive}; no chunked coding. */
    HTTP_1_0("HTTP/1.0"),
    /** HTTP/1.1: persistent by default, chunked coding, {@code Host} required. */
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** As written on the wire, e.g. {@code HTTP/1.1}. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
