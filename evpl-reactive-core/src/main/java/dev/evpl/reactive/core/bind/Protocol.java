package dev.evpl.reactive.core.bind;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A transport, named as in libevpl ({@code STREAM_SOCKET_TCP}, …). Applications name the protocol
 * in configuration; the same code runs on each stream protocol.
 *
 * <p>Every name libevpl defines is registered, whether this build or machine can serve it or not:
 * {@link #isAvailable()} says, and {@link #unavailableReason()} says why not. Immutable.
 */
public final class Protocol {
    private static final Map<String, Protocol> REGISTRY = new LinkedHashMap<>();

    /** Kernel TCP on epoll, edge-triggered, TCP_NODELAY, read/writev. */
    public static final Protocol STREAM_SOCKET_TCP = register("STREAM_SOCKET_TCP", true, false, false, null);
    /** AF_UNIX stream sockets: a path, or an abstract name written {@code @name}. */
    public static final Protocol STREAM_SOCKET_UNIX = register("STREAM_SOCKET_UNIX", true, true, false, null);
    /** Kernel UDP (IPv4 and IPv6), recvmmsg/sendmmsg batches of 16. */
    public static final Protocol DATAGRAM_SOCKET_UDP = register("DATAGRAM_SOCKET_UDP", false, false, false, null);
    /**
     * TCP with its data path on the loop's io_uring (receives and gathering writes as ring
     * operations; accept and connect as on epoll). Available where io_uring works.
     */
    public static final Protocol STREAM_IO_URING_TCP = register("STREAM_IO_URING_TCP", true, false, false,
            dev.evpl.reactive.core.internal.uring.IoUring.isAvailable() ? null
                    : "io_uring unavailable: " + dev.evpl.reactive.core.internal.uring.IoUring.unavailableReason());
    /** TLS over a stream protocol. */
    public static final Protocol STREAM_SOCKET_TLS = register("STREAM_SOCKET_TLS", true, false, false,
            "not built yet: TLS is on the roadmap after HTTP/1.1");
    /** Loop to loop in one process, stream semantics: segments move between loops without a copy. */
    public static final Protocol STREAM_INPROC = register("STREAM_INPROC", true, true, true, null);
    /** Loop to loop in one process, datagram semantics (bounded queues: overflow drops, like UDP). */
    public static final Protocol DATAGRAM_INPROC = register("DATAGRAM_INPROC", false, true, true, null);
    /** RDMA reliable connection via rdma_cm. */
    public static final Protocol STREAM_RDMACM_RC = register("STREAM_RDMACM_RC", true, false, false,
            "needs an RDMA device and backend; none on this machine");
    /** RDMA unreliable datagrams via rdma_cm. */
    public static final Protocol DATAGRAM_RDMACM_UD = register("DATAGRAM_RDMACM_UD", false, false, false,
            "needs an RDMA device and backend; none on this machine");

    private final String name;
    private final boolean stream;
    private final boolean local;
    private final boolean inProcess;
    private final String unavailableReason;

    private Protocol(String name, boolean stream, boolean local, boolean inProcess, String unavailableReason) {
        this.name = name;
        this.stream = stream;
        this.local = local;
        this.inProcess = inProcess;
        this.unavailableReason = unavailableReason;
    }

    private static Protocol register(String name, boolean stream, boolean local, boolean inProcess, String reason) {
        Protocol p = new Protocol(name, stream, local, inProcess, reason);
        REGISTRY.put(name, p);
        return p;
    }

    /**
     * The protocol named {@code name} (case-insensitive). Throws {@link IllegalArgumentException}
     * listing the known names when there is none.
     */
    public static Protocol lookup(String name) {
        Protocol p = REGISTRY.get(name.trim().toUpperCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown protocol '" + name + "'; known: " + REGISTRY.keySet());
        }
        return p;
    }

    /** Every registered protocol, in registration order. */
    public static Collection<Protocol> all() {
        return Collections.unmodifiableCollection(REGISTRY.values());
    }

    /** libevpl's name. */
    public String name() {
        return name;
    }

    /** Byte stream (true) or datagrams (false). */
    public boolean isStream() {
        return stream;
    }

    /** Local to the machine (unix sockets, in-process). */
    public boolean isLocal() {
        return local;
    }

    /** Within this process only. */
    public boolean isInProcess() {
        return inProcess;
    }

    /** Whether this build and machine can use it now. */
    public boolean isAvailable() {
        return unavailableReason == null;
    }

    /** Why it is not available, or {@code null}. */
    public String unavailableReason() {
        return unavailableReason;
    }

    /**
     * TCP on io_uring where io_uring works ({@link #STREAM_IO_URING_TCP}), else TCP on epoll
     * ({@link #STREAM_SOCKET_TCP}): the choice for configuration that says "fastest TCP". The
     * builders' defaults stay on epoll: measured here, io_uring TCP matches epoll on echo
     * (1.01 pingpong, 1.00 stream) but keeps only 0.85 of its throughput when backpressure toggles
     * reads, where epoll keeps all of it (README).
     */
    public static Protocol preferredTcp() {
        return STREAM_IO_URING_TCP.isAvailable() ? STREAM_IO_URING_TCP : STREAM_SOCKET_TCP;
    }

    void checkAvailable() {
        if (unavailableReason != null) {
            throw new UnsupportedOperationException(name + " is not available: " + unavailableReason);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
