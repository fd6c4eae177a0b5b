package dev.evpl.reactive.core.bind;

import java.net.InetAddress;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Host name → address, cached for a TTL (5 s by default, as libevpl). A refresh that fails keeps
 * the last good address (and logs nothing: the caller's connect will tell if it is stale); only a
 * name never resolved fails. Resolution blocks: call it off the loop threads ({@link Connector}
 * does). Thread-safe.
 */
final class DnsCache {
    /** Resolves a name the way the JDK does; replaceable in tests. */
    interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    static final DnsCache DEFAULT = new DnsCache(InetAddress::getByName, Duration.ofSeconds(5), System::nanoTime);

    private record Entry(InetAddress address, long expiresAt) {
    }

    /** Names kept at most (a client fed many distinct host names must not grow the table forever). */
    static final int MAX_ENTRIES = 4096;

    /** Names cached now (tests). */
    int size() {
        return entries.size();
    }

    private final Resolver resolver;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    DnsCache(Resolver resolver, Duration ttl, LongSupplier clock) {
        this.resolver = resolver;
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    InetAddress resolve(String host) {
        long now = clock.getAsLong();
        Entry e = entries.get(host);
        if (e != null && now - e.expiresAt < 0) {
            return e.address;
        }
        try {
            InetAddress a = resolver.resolve(host);
            if (entries.size() >= MAX_ENTRIES) {
                // Bounded: expired entries go first; a table full of live ones caches nothing more.
                entries.values().removeIf(old -> now - old.expiresAt >= 0);
            }
            if (entries.size() < MAX_ENTRIES) {
                entries.put(host, new Entry(a, now + ttlNanos));
            }
            return a;
        } catch (UnknownHostException | RuntimeException failure) {
            if (e != null) {
                return e.address; // the last good address outlives a failed refresh
            }
            UnknownHostException unknown = new UnknownHostException("cannot resolve host '" + host + "': " + failure.getMessage());
            unknown.initCause(failure);
            throw new UncheckedIOException(unknown.getMessage(), unknown);
        }
    }
}
