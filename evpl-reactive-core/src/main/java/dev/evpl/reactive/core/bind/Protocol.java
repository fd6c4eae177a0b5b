package dev.evpl.reactive.core.bind;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A transport's name, as in libevpl ({@code STREAM_SOCKET_TCP}, …). Applications name the protocol
 * in configuration; the same code runs on each stream protocol. What serves a name is a
 * {@link Transport} (built in, or added by a module through {@code ServiceLoader}).
 *
 * <p>Every name libevpl defines is registered, whether this build or machine can serve it or not:
 * {@link #isAvailable()} says, and {@link #unavailableReason()} says why not. Immutable.
 */
public final class Protocol {
    private static final Map<String, Protocol> REGISTRY = new LinkedHashMap<>();

    /** Kernel TCP on epoll, edge-triggered, TCP_NODELAY, read/writev. */
    public static final Protocol STREAM_SOCKET_TCP = register("STREAM_SOCKET_TCP", true, Endpoint.Kind.INET, null);
    /** AF_UNIX stream sockets: a path, or an abstract name written {@code @name}. */
    public static final Protocol STREAM_SOCKET_UNIX = register("STREAM_SOCKET_UNIX", true, Endpoint.Kind.UNIX, null);
    /** Kernel UDP (IPv4 and IPv6), recvmmsg/sendmmsg batches of 16. */
    public static final Protocol DATAGRAM_SOCKET_UDP = register("DATAGRAM_SOCKET_UDP", false, Endpoint.Kind.INET, null);
    /**
     * TCP with its data path on the loop's io_uring (receives and gathering writes as ring
     * operations, multishot accept; connect as on epoll). Available where io_uring works.
     */
    public static final Protocol STREAM_IO_URING_TCP = register("STREAM_IO_URING_TCP", true, Endpoint.Kind.INET, null);
    /** TLS over a stream protocol ({@code TlsTransport}); by name: over TCP, client side with default settings. */
    public static final Protocol STREAM_SOCKET_TLS = register("STREAM_SOCKET_TLS", true, Endpoint.Kind.INET,
            "the TLS transport (dev.evpl.reactive.core.tls.TlsTransport) is not registered: META-INF/services missing");
    /** Loop to loop in one process, stream semantics: segments move between loops without a copy. */
    public static final Protocol STREAM_INPROC = register("STREAM_INPROC", true, Endpoint.Kind.INPROC, null);
    /** Loop to loop in one process, datagram semantics (bounded queues: overflow drops, like UDP). */
    public static final Protocol DATAGRAM_INPROC = register("DATAGRAM_INPROC", false, Endpoint.Kind.INPROC, null);
    /** RDMA reliable connection via rdma_cm. */
    public static final Protocol STREAM_RDMACM_RC = register("STREAM_RDMACM_RC", true, Endpoint.Kind.INET,
            "needs an RDMA device and backend; none on this machine");
    /** RDMA unreliable datagrams via rdma_cm. */
    public static final Protocol DATAGRAM_RDMACM_UD = register("DATAGRAM_RDMACM_UD", false, Endpoint.Kind.INET,
            "needs an RDMA device and backend; none on this machine");

    private final String name;
    private final boolean stream;
    private final Endpoint.Kind endpointKind;
    /** Why nothing serves this name yet, when no transport does (the placeholders'). */
    private final String placeholder;

    private Protocol(String name, boolean stream, Endpoint.Kind endpointKind, String placeholder) {
        this.name = name;
        this.stream = stream;
        this.endpointKind = endpointKind;
        this.placeholder = placeholder;
    }

    private static synchronized Protocol register(String name, boolean stream, Endpoint.Kind kind, String placeholder) {
        Protocol p = new Protocol(name, stream, kind, placeholder);
        REGISTRY.put(name, p);
        return p;
    }

    /**
     * Defines a protocol name for a transport that a module adds (see {@link Transport}): upper
     * case letters, digits and {@code _}. Defining a name again with the same properties returns
     * the same protocol; with others, or one of the names above, it fails.
     */
    public static synchronized Protocol define(String name, boolean stream, Endpoint.Kind endpointKind) {
        if (name == null || !name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("a protocol name is upper case letters, digits and '_', got '" + name + "'");
        }
        java.util.Objects.requireNonNull(endpointKind, "endpointKind");
        Protocol known = REGISTRY.get(name);
        if (known != null) {
            if (known.stream == stream && known.endpointKind == endpointKind && known.placeholder == null) {
                return known;
            }
            throw new IllegalArgumentException("protocol " + name + " is defined already, as " + known.describe());
        }
        return register(name, stream, endpointKind, null);
    }

    private String describe() {
        return (stream ? "a stream" : "a datagram") + " protocol on " + endpointKind + " endpoints";
    }

    /**
     * The protocol named {@code name} (case-insensitive). Throws {@link IllegalArgumentException}
     * listing the known names when there is none.
     */
    public static Protocol lookup(String name) {
        Transports.ensureLoaded(); // providers define their names as they load: before the lock
        return lookupDefined(name);
    }

    private static synchronized Protocol lookupDefined(String name) {
        Protocol p = REGISTRY.get(name.trim().toUpperCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown protocol '" + name + "'; known: " + REGISTRY.keySet());
        }
        return p;
    }

    /** Every registered protocol, in registration order. */
    public static Collection<Protocol> all() {
        Transports.ensureLoaded();
        synchronized (Protocol.class) {
            return Collections.unmodifiableCollection(new java.util.ArrayList<>(REGISTRY.values()));
        }
    }

    /** libevpl's name. */
    public String name() {
        return name;
    }

    /** Byte stream (true) or datagrams (false). */
    public boolean isStream() {
        return stream;
    }

    /** The kind of {@link Endpoint} it listens on and connects to. */
    public Endpoint.Kind endpointKind() {
        return endpointKind;
    }

    /** Local to the machine (unix sockets, in-process). */
    public boolean isLocal() {
        return endpointKind != Endpoint.Kind.INET;
    }

    /** Within this process only. */
    public boolean isInProcess() {
        return endpointKind == Endpoint.Kind.INPROC;
    }

    /** Whether this build and machine can use it now: a transport serves it and can run here. */
    public boolean isAvailable() {
        return unavailableReason() == null;
    }

    /** Why it is not available, or {@code null}. */
    public String unavailableReason() {
        Transport t = Transports.find(this);
        if (t == null) {
            return placeholder != null ? placeholder : "no transport serves " + name + " in this process";
        }
        return t.unavailableReason();
    }

    /**
     * TCP on io_uring where io_uring works ({@link #STREAM_IO_URING_TCP}), else TCP on epoll
     * ({@link #STREAM_SOCKET_TCP}): the choice for configuration that says "fastest TCP". The
     * builders' defaults stay on epoll, which every Linux kernel has and no seccomp profile
     * refuses; how the two compare on this project's machine (echo, backpressure toggling reads,
     * 10 000 connections) is in {@code docs/benchmarks.md}.
     */
    public static Protocol preferredTcp() {
        return STREAM_IO_URING_TCP.isAvailable() ? STREAM_IO_URING_TCP : STREAM_SOCKET_TCP;
    }

    void checkAvailable() {
        String why = unavailableReason();
        if (why != null) {
            throw new UnsupportedOperationException(name + " is not available: " + why);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
