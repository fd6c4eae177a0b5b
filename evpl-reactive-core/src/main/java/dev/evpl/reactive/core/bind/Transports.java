package dev.evpl.reactive.core.bind;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The transport registry: which {@link Transport} serves each {@link Protocol}. The built-in ones
 * first, then those {@link ServiceLoader} finds for protocols no built-in one serves (a module's
 * transport for a placeholder name such as {@code STREAM_SOCKET_TLS}, or for a name it defined).
 * Loaded once, on first use; the only place that maps protocols to code.
 */
final class Transports {
    private static final System.Logger LOG = System.getLogger(Transports.class.getName());

    private Transports() {
    }

    private static volatile Map<Protocol, Transport> loaded;
    /** The built-in transports, set first while loading (a provider being loaded may look one up to wrap it). */
    private static Map<Protocol, Transport> builtIn;

    private static Map<Protocol, Transport> map() {
        Map<Protocol, Transport> m = loaded;
        if (m != null) {
            return m;
        }
        synchronized (Transports.class) {
            if (loaded != null) {
                return loaded;
            }
            if (builtIn != null) {
                return builtIn; // a provider's constructor, during the load below
            }
            Map<Protocol, Transport> base = new LinkedHashMap<>();
            for (Transport t : new Transport[] {new EpollStreamTransport(Protocol.STREAM_SOCKET_TCP), new UringTcpTransport(),
                    new EpollStreamTransport(Protocol.STREAM_SOCKET_UNIX),
                    new InprocStreamTransport(), new UdpTransport(), new InprocDatagramTransport()}) {
                base.put(t.protocol(), t);
            }
            builtIn = base;
            Map<Protocol, Transport> all = new LinkedHashMap<>(base);
            try {
                for (Transport t : ServiceLoader.load(Transport.class, Transports.class.getClassLoader())) {
                    Transport known = all.putIfAbsent(t.protocol(), t);
                    if (known != null && known != t) {
                        LOG.log(System.Logger.Level.WARNING, "ignoring transport " + t.getClass().getName() + " for "
                                + t.protocol() + ": " + known.getClass().getName() + " serves it");
                    }
                }
            } catch (ServiceConfigurationError e) {
                // A broken provider must not take the built-in transports down with it.
                LOG.log(System.Logger.Level.ERROR, "a transport provider failed to load; the built-in transports remain", e);
            }
            loaded = java.util.Collections.unmodifiableMap(all);
            return loaded;
        }
    }

    /** Loads the transports (and with them the protocol names providers define) if not done yet. */
    static void ensureLoaded() {
        map();
    }

    /** The transport serving {@code protocol}, or null. */
    static Transport find(Protocol protocol) {
        return map().get(protocol);
    }

    /** The stream transport for {@code protocol}, checked available; {@code endpoint} checked to fit it. */
    static StreamTransport stream(Protocol protocol, Endpoint endpoint) {
        protocol.checkAvailable();
        if (!(find(protocol) instanceof StreamTransport t) || !protocol.isStream()) {
            throw new IllegalArgumentException(protocol + " is a datagram protocol: use a datagram bind");
        }
        endpoint.checkFits(protocol);
        return t;
    }

    /** The datagram transport for {@code protocol}, checked available; {@code endpoint} checked to fit it. */
    static DatagramTransport datagram(Protocol protocol, Endpoint endpoint) {
        protocol.checkAvailable();
        if (!(find(protocol) instanceof DatagramTransport t) || protocol.isStream()) {
            throw new IllegalArgumentException(protocol + " is a stream protocol: use a Listener or Bind.connect");
        }
        endpoint.checkFits(protocol);
        return t;
    }
}
