package dev.evpl.reactive.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code evpl.*} configuration properties. Every default equals the evpl library's own default
 * (a test holds them together); every setter checks its range and names the property in its error,
 * so a bad value fails start-up with a message saying which one and why.
 */
@ConfigurationProperties("evpl")
public class EvplProperties {
    /** Whether WebFlux and WebClient run on evpl; false backs off to whatever else is present (Reactor Netty). */
    private boolean enabled = true;

    /**
     * Stream protocol over IP the HTTP server and client use, by name: STREAM_SOCKET_TCP or
     * STREAM_IO_URING_TCP. When it is unavailable on this machine the starter falls back to
     * STREAM_SOCKET_TCP and logs why.
     */
    private String protocol = "STREAM_SOCKET_TCP";

    private final Loops loops = new Loops();
    private final Buffer buffer = new Buffer();
    private final IoUring ioUring = new IoUring();
    private final Http http = new Http();
    private final Tls tls = new Tls();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setProtocol(String protocol) {
        if (protocol == null || protocol.isBlank()) {
            throw new IllegalArgumentException("evpl.protocol must name a protocol, got '" + protocol + "'");
        }
        this.protocol = protocol.trim();
    }

    public Loops getLoops() {
        return loops;
    }

    public Buffer getBuffer() {
        return buffer;
    }

    public IoUring getIoUring() {
        return ioUring;
    }

    public Http getHttp() {
        return http;
    }

    public Tls getTls() {
        return tls;
    }

    /** TLS ({@code evpl.tls.*}): HTTPS from {@code server.ssl} and the WebClient's {@code evpl.http.client.ssl-bundle}. */
    public static class Tls {
        /**
         * The TLS engine: jdk (the JDK's SSLEngine) or conscrypt (BoringSSL; add
         * org.conscrypt:conscrypt-openjdk-uber). The health indicator reports which one serves.
         */
        private dev.evpl.reactive.spring.web.TlsEngine engine = dev.evpl.reactive.spring.web.TlsEngine.JDK;

        public dev.evpl.reactive.spring.web.TlsEngine getEngine() {
            return engine;
        }

        public void setEngine(dev.evpl.reactive.spring.web.TlsEngine engine) {
            check(engine != null, "evpl.tls.engine", "jdk or conscrypt", engine);
            this.engine = engine;
        }
    }

    static void check(boolean ok, String property, String range, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(property + " must be " + range + ", got " + value);
        }
    }

    static void checkDuration(Duration d, String property, Duration min, Duration max) {
        check(d != null && d.compareTo(min) >= 0 && d.compareTo(max) <= 0, property,
                "between " + min + " and " + max, d);
    }

    /** The event loops ({@code evpl.loops.*}). */
    public static class Loops {
        /** Number of event loops (threads); 0 means one per available processor. */
        private int count = 0;

        /** CPUs to pin the loops to, loop i on cpuAffinity[i % size]; empty leaves them unpinned. */
        private List<Integer> cpuAffinity = new ArrayList<>();

        /** How long a loop keeps polling after the last activity before it sleeps in the kernel (0 to 1 s). */
        private Duration spin = Duration.ofMillis(1);

        /** The shortest the adaptive spin window gets after spins that found nothing (0 to 1 s; = spin keeps it fixed). */
        private Duration spinMin = Duration.ofNanos(50_000);

        /**
         * The share of the time it wants a CPU a polling loop must get to go on spinning (0 to 1; 0 =
         * never back off for a shared core).
         */
        private double spinCoreShare = 0.75;

        /** Loop thread name prefix; threads are named prefix-index. */
        private String threadNamePrefix = "evpl-loop";

        /** Where each loop waits: auto (epoll until io_uring is first used), epoll, or io-uring. */
        private dev.evpl.reactive.core.IoHandlerType ioHandler = dev.evpl.reactive.core.IoHandlerType.AUTO;

        public dev.evpl.reactive.core.IoHandlerType getIoHandler() {
            return ioHandler;
        }

        public void setIoHandler(dev.evpl.reactive.core.IoHandlerType ioHandler) {
            check(ioHandler != null, "evpl.loops.io-handler", "auto, epoll or io-uring", ioHandler);
            this.ioHandler = ioHandler;
        }

        public int getCount() {
            return count;
        }

        public void setCount(int count) {
            check(count >= 0 && count <= 1024, "evpl.loops.count", "between 0 and 1024 (0: one per processor)", count);
            this.count = count;
        }

        public List<Integer> getCpuAffinity() {
            return cpuAffinity;
        }

        public void setCpuAffinity(List<Integer> cpuAffinity) {
            for (Integer cpu : cpuAffinity) {
                check(cpu != null && cpu >= 0 && cpu < 4096, "evpl.loops.cpu-affinity", "CPU numbers between 0 and 4095",
                        cpuAffinity);
            }
            this.cpuAffinity = cpuAffinity;
        }

        public Duration getSpin() {
            return spin;
        }

        public void setSpin(Duration spin) {
            checkDuration(spin, "evpl.loops.spin", Duration.ZERO, Duration.ofSeconds(1));
            this.spin = spin;
        }

        public Duration getSpinMin() {
            return spinMin;
        }

        public void setSpinMin(Duration spinMin) {
            checkDuration(spinMin, "evpl.loops.spin-min", Duration.ZERO, Duration.ofSeconds(1));
            this.spinMin = spinMin;
        }

        public double getSpinCoreShare() {
            return spinCoreShare;
        }

        public void setSpinCoreShare(double spinCoreShare) {
            check(spinCoreShare >= 0 && spinCoreShare <= 1, "evpl.loops.spin-core-share", "between 0 and 1", spinCoreShare);
            this.spinCoreShare = spinCoreShare;
        }

        public String getThreadNamePrefix() {
            return threadNamePrefix;
        }

        public void setThreadNamePrefix(String threadNamePrefix) {
            check(threadNamePrefix != null && !threadNamePrefix.isBlank(), "evpl.loops.thread-name-prefix",
                    "a non-blank name", threadNamePrefix);
            this.threadNamePrefix = threadNamePrefix;
        }

        /** The loop count to create: {@link #getCount()}, or the processor count for 0. */
        int effectiveCount() {
            return count == 0 ? Runtime.getRuntime().availableProcessors() : count;
        }
    }

    /** The pooled off-heap buffers ({@code evpl.buffer.*}). */
    public static class Buffer {
        /** Size of one pooled buffer (largest contiguous piece): a power of two, 4KB to 64MB. */
        private DataSize size = DataSize.ofMegabytes(2);

        /** Memory mapped (and registered with io_uring) at once: a multiple of the buffer size. */
        private DataSize slabSize = DataSize.ofMegabytes(64);

        /** Cap on pooled memory; allocation beyond it fails with a clear error. */
        private DataSize maxMemory = DataSize.ofGigabytes(16);

        public DataSize getSize() {
            return size;
        }

        public void setSize(DataSize size) {
            long b = size.toBytes();
            check(b >= 4096 && b <= (64 << 20) && Long.bitCount(b) == 1, "evpl.buffer.size",
                    "a power of two between 4KB and 64MB", size);
            this.size = size;
        }

        public DataSize getSlabSize() {
            return slabSize;
        }

        public void setSlabSize(DataSize slabSize) {
            check(slabSize.toBytes() >= 4096 && slabSize.toBytes() <= (16L << 30), "evpl.buffer.slab-size",
                    "between 4KB and 16GB (and a multiple of evpl.buffer.size)", slabSize);
            this.slabSize = slabSize;
        }

        public DataSize getMaxMemory() {
            return maxMemory;
        }

        public void setMaxMemory(DataSize maxMemory) {
            check(maxMemory.toBytes() >= 4096, "evpl.buffer.max-memory", "at least evpl.buffer.slab-size", maxMemory);
            this.maxMemory = maxMemory;
        }
    }

    /** io_uring ({@code evpl.io-uring.*}). */
    public static class IoUring {
        /** Whether io_uring protocols may be used; false turns a STREAM_IO_URING_TCP choice into STREAM_SOCKET_TCP. */
        private boolean enabled = true;

        /** Submission queue entries of each loop's ring: a power of two, 8 to 32768. */
        private int ringEntries = 256;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getRingEntries() {
            return ringEntries;
        }

        public void setRingEntries(int ringEntries) {
            check(ringEntries >= 8 && ringEntries <= 32768 && Integer.bitCount(ringEntries) == 1,
                    "evpl.io-uring.ring-entries", "a power of two between 8 and 32768", ringEntries);
            this.ringEntries = ringEntries;
        }
    }

    /** HTTP server and client ({@code evpl.http.*}). */
    public static class Http {
        private final Server server = new Server();
        private final Client client = new Client();

        public Server getServer() {
            return server;
        }

        public Client getClient() {
            return client;
        }
    }

    /** HTTP server limits ({@code evpl.http.server.*}). */
    public static class Server {
        /** Longest request target accepted; longer ones get 414. */
        private DataSize maxTargetLength = DataSize.ofBytes(8192);

        /** Largest request header block (and trailer block); larger ones get 431. */
        private DataSize maxHeaderSize = DataSize.ofBytes(8192);

        /** Time allowed for a request head once it began; then 408 and close. */
        private Duration readTimeout = Duration.ofSeconds(30);

        /** Time a keep-alive connection may wait for its next request before it is closed. */
        private Duration idleTimeout = Duration.ofSeconds(60);

        /** Unread request body the server drops to keep a connection open; more closes it. */
        private DataSize maxDiscard = DataSize.ofKilobytes(64);

        /** Time a request body may go without a byte while the handler reads it; then 408 and close. */
        private Duration bodyTimeout = Duration.ofSeconds(60);

        /** Time a response may wait with bytes unwritten and none leaving (a client not reading); then close. */
        private Duration writeTimeout = Duration.ofSeconds(60);

        public Duration getBodyTimeout() {
            return bodyTimeout;
        }

        public void setBodyTimeout(Duration v) {
            checkDuration(v, "evpl.http.server.body-timeout", Duration.ofMillis(1), Duration.ofHours(1));
            this.bodyTimeout = v;
        }

        public Duration getWriteTimeout() {
            return writeTimeout;
        }

        public void setWriteTimeout(Duration v) {
            checkDuration(v, "evpl.http.server.write-timeout", Duration.ofMillis(1), Duration.ofHours(1));
            this.writeTimeout = v;
        }

        public DataSize getMaxTargetLength() {
            return maxTargetLength;
        }

        public void setMaxTargetLength(DataSize v) {
            check(v.toBytes() >= 64 && v.toBytes() <= 1048576, "evpl.http.server.max-target-length",
                    "between 64B and 1MB", v);
            this.maxTargetLength = v;
        }

        public DataSize getMaxHeaderSize() {
            return maxHeaderSize;
        }

        public void setMaxHeaderSize(DataSize v) {
            check(v.toBytes() >= 256 && v.toBytes() <= 1048576, "evpl.http.server.max-header-size",
                    "between 256B and 1MB", v);
            this.maxHeaderSize = v;
        }

        public Duration getReadTimeout() {
            return readTimeout;
        }

        public void setReadTimeout(Duration v) {
            checkDuration(v, "evpl.http.server.read-timeout", Duration.ofMillis(1), Duration.ofHours(1));
            this.readTimeout = v;
        }

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration v) {
            checkDuration(v, "evpl.http.server.idle-timeout", Duration.ofMillis(1), Duration.ofHours(24));
            this.idleTimeout = v;
        }

        public DataSize getMaxDiscard() {
            return maxDiscard;
        }

        public void setMaxDiscard(DataSize v) {
            check(v.toBytes() >= 0 && v.toBytes() <= (1L << 40), "evpl.http.server.max-discard", "between 0B and 1TB", v);
            this.maxDiscard = v;
        }
    }

    /** HTTP client pool ({@code evpl.http.client.*}). */
    public static class Client {
        /** Connections per endpoint and loop. */
        private int maxConnections = 8;

        /** Requests that may wait for a connection; more fail at once. */
        private int pendingAcquireMaxCount = 1024;

        /** How long a request may wait for a connection. */
        private Duration pendingAcquireTimeout = Duration.ofSeconds(45);

        /** Idle time after which a pooled connection is closed. */
        private Duration maxIdleTime = Duration.ofSeconds(30);

        /** Age after which a connection is not reused; unset: unlimited. */
        private Duration maxLifeTime;

        /** Time allowed for a response head after the request; unset: none. */
        private Duration responseTimeout;

        /**
         * The SSL bundle ({@code spring.ssl.bundle.*}) whose trust (and key, for mutual TLS) https
         * URLs use; unset: the JDK's system trust store.
         */
        private String sslBundle;

        public String getSslBundle() {
            return sslBundle;
        }

        public void setSslBundle(String v) {
            this.sslBundle = v == null || v.isBlank() ? null : v;
        }

        public int getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(int v) {
            check(v >= 1 && v <= 10000, "evpl.http.client.max-connections", "between 1 and 10000", v);
            this.maxConnections = v;
        }

        public int getPendingAcquireMaxCount() {
            return pendingAcquireMaxCount;
        }

        public void setPendingAcquireMaxCount(int v) {
            check(v >= 0 && v <= 1000000, "evpl.http.client.pending-acquire-max-count", "between 0 and 1000000", v);
            this.pendingAcquireMaxCount = v;
        }

        public Duration getPendingAcquireTimeout() {
            return pendingAcquireTimeout;
        }

        public void setPendingAcquireTimeout(Duration v) {
            checkDuration(v, "evpl.http.client.pending-acquire-timeout", Duration.ofMillis(1), Duration.ofHours(1));
            this.pendingAcquireTimeout = v;
        }

        public Duration getMaxIdleTime() {
            return maxIdleTime;
        }

        public void setMaxIdleTime(Duration v) {
            checkDuration(v, "evpl.http.client.max-idle-time", Duration.ofMillis(1), Duration.ofHours(24));
            this.maxIdleTime = v;
        }

        public Duration getMaxLifeTime() {
            return maxLifeTime;
        }

        public void setMaxLifeTime(Duration v) {
            checkDuration(v, "evpl.http.client.max-life-time", Duration.ofMillis(1), Duration.ofDays(365_000));
            this.maxLifeTime = v;
        }

        public Duration getResponseTimeout() {
            return responseTimeout;
        }

        public void setResponseTimeout(Duration v) {
            checkDuration(v, "evpl.http.client.response-timeout", Duration.ofMillis(1), Duration.ofHours(1));
            this.responseTimeout = v;
        }
    }
}
