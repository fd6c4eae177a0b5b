package dev.evpl.reactive.spring.boot;

import dev.evpl.reactive.core.bind.Protocol;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The stream protocol the starter's HTTP server and client use, chosen once from
 * {@code evpl.protocol}: an unknown name or a protocol HTTP cannot run on (datagrams, unix,
 * in-process) fails start-up with a message naming the property; a known protocol unavailable on
 * this machine (io_uring disabled, too old a kernel) or switched off by
 * {@code evpl.io-uring.enabled=false} falls back to {@code STREAM_SOCKET_TCP}, and the log says why.
 *
 * @param protocol the protocol in use
 * @param requested the name configured
 * @param fallbackReason why the configured one is not used, or null when it is
 */
public record EvplProtocol(Protocol protocol, String requested, String fallbackReason) {
    private static final Log LOG = LogFactory.getLog(EvplProtocol.class);

    /** Chooses as described above. */
    public static EvplProtocol choose(String name, boolean ioUringEnabled) {
        Protocol p;
        try {
            p = Protocol.lookup(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("evpl.protocol: " + e.getMessage(), e);
        }
        if (!p.isStream() || p.isLocal() || p.isInProcess()) {
            throw new IllegalArgumentException("evpl.protocol must be a stream protocol over IP for HTTP "
                    + "(STREAM_SOCKET_TCP or STREAM_IO_URING_TCP), got " + p.name());
        }
        String reason = null;
        if (p.name().contains("IO_URING") && !ioUringEnabled) {
            reason = "evpl.io-uring.enabled=false";
        } else if (!p.isAvailable()) {
            reason = p.unavailableReason();
        }
        if (reason != null) {
            LOG.warn("evpl.protocol " + p.name() + " not used (" + reason + "); falling back to STREAM_SOCKET_TCP");
            return new EvplProtocol(Protocol.STREAM_SOCKET_TCP, p.name(), reason);
        }
        return new EvplProtocol(p, p.name(), null);
    }
}
