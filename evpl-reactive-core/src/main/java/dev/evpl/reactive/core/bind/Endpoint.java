package dev.evpl.reactive.core.bind;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where to listen or connect: an IP address or host name with a port, or a unix socket path
 * ({@code @name} for an abstract socket). Immutable.
 *
 * <p>Host names are resolved when a listener or connection is made, off the loop thread, and cached
 * for 5 s; a failed refresh keeps the last good address.
 */
public final class Endpoint {
    /** What an endpoint names; each {@link Protocol} takes one kind. */
    public enum Kind {
        /** An IP address or host name with a port. */
        INET,
        /** A unix socket path or abstract name. */
        UNIX,
        /** A name private to this process. */
        INPROC
    }

    private final String host;
    private final int port;
    private final String path;
    private final String inprocName;

    private Endpoint(String host, int port, String path) {
        this(host, port, path, null);
    }

    private Endpoint(String host, int port, String path, String inprocName) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.inprocName = inprocName;
    }

    /** An in-process name, private to this process ({@code STREAM_INPROC}). */
    public static Endpoint inproc(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("in-process endpoint name must not be empty");
        }
        return new Endpoint(null, -1, null, name);
    }

    /** Whether this is an in-process endpoint. */
    public boolean isInProcess() {
        return inprocName != null;
    }

    /** The in-process name, or null. */
    public String inprocName() {
        return inprocName;
    }

    /** An IP endpoint: {@code host} is an address literal or a DNS name; port 0 = any (listeners). */
    public static Endpoint inet(String host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        return new Endpoint(Objects.requireNonNull(host, "host"), port, null);
    }

    /** A unix socket path, or an abstract name starting with {@code @}. */
    public static Endpoint unix(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("unix socket path must not be empty");
        }
        return new Endpoint(null, -1, path);
    }

    /** Whether this is a unix endpoint. */
    public boolean isUnix() {
        return path != null;
    }

    /** The host (IP endpoints). */
    public String host() {
        return host;
    }

    /** The port (IP endpoints). */
    public int port() {
        return port;
    }

    /** The path (unix endpoints). */
    public String path() {
        return path;
    }

    /** Resolves the host; blocking (DNS): call off the loop threads. */
    InetSocketAddress resolve() {
        return new InetSocketAddress(DnsCache.DEFAULT.resolve(host), port);
    }

    /** What this endpoint names. */
    public Kind kind() {
        return inprocName != null ? Kind.INPROC : path != null ? Kind.UNIX : Kind.INET;
    }

    /** Throws {@link IllegalArgumentException} unless this endpoint is of {@code protocol}'s kind. */
    public void checkFits(Protocol protocol) {
        if (protocol.endpointKind() != kind()) {
            throw new IllegalArgumentException(protocol + " needs " + describe(protocol.endpointKind()) + ", got " + this);
        }
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case INET -> "a host:port endpoint";
            case UNIX -> "a unix path endpoint";
            case INPROC -> "an in-process endpoint";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && port == e.port && Objects.equals(host, e.host) && Objects.equals(path, e.path)
                && Objects.equals(inprocName, e.inprocName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, path, inprocName);
    }

    @Override
    public String toString() {
        if (inprocName != null) {
            return "inproc:" + inprocName;
        }
        if (path != null) {
            return "unix:" + path;
        }
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
