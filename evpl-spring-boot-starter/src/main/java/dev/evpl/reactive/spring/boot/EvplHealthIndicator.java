package dev.evpl.reactive.spring.boot;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.spring.web.EvplReactiveWebServerFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the evpl loops ({@code /actuator/health} component {@code evpl}): UP while every loop
 * runs, DOWN (naming the dead ones) otherwise; details: the protocol in use (and why the configured
 * one is not, if so), io_uring availability, pooled buffer memory and open HTTP connections.
 * Reads loop state racily; never touches a loop thread. Thread-safe.
 */
public final class EvplHealthIndicator implements HealthIndicator {
    private final EventLoopGroup loops;
    private final EvplProtocol protocol;
    private final ObjectProvider<EvplReactiveWebServerFactory> servers;

    /** Health of {@code loops}, with {@code protocol} and the servers of the factory, if any. */
    public EvplHealthIndicator(EventLoopGroup loops, EvplProtocol protocol, ObjectProvider<EvplReactiveWebServerFactory> servers) {
        this.loops = loops;
        this.protocol = protocol;
        this.servers = servers;
    }

    @Override
    public Health health() {
        int alive = 0;
        long errors = 0;
        StringBuilder dead = new StringBuilder();
        for (EventLoop loop : loops.loops()) {
            errors += loop.callbackErrors();
            if (loop.isDisposed()) {
                dead.append(dead.length() == 0 ? "" : ", ").append(loop.name());
            } else {
                alive++;
            }
        }
        Health.Builder h = alive == loops.size() ? Health.up() : Health.down();
        h.withDetail("loops", loops.size()).withDetail("loopsAlive", alive).withDetail("callbackErrors", errors);
        if (dead.length() > 0) {
            h.withDetail("loopsStopped", dead.toString());
        }
        h.withDetail("protocol", protocol.protocol().name());
        if (protocol.fallbackReason() != null) {
            h.withDetail("protocolRequested", protocol.requested())
                    .withDetail("protocolFallbackReason", protocol.fallbackReason());
        }
        Protocol uring = Protocol.STREAM_IO_URING_TCP;
        Map<String, Object> ioUring = new LinkedHashMap<>();
        ioUring.put("available", uring.isAvailable());
        if (!uring.isAvailable()) {
            ioUring.put("reason", uring.unavailableReason());
        }
        h.withDetail("ioUring", ioUring);
        BufferPool pool = BufferPool.global();
        h.withDetail("bufferMappedBytes", pool.mappedBytes()).withDetail("bufferInUseBytes", pool.inUseBytes());
        EvplReactiveWebServerFactory factory = servers.getIfAvailable();
        if (factory != null) {
            h.withDetail("httpConnections", factory.getConnectionCount());
            java.util.List<dev.evpl.reactive.core.tls.TlsConfig> tls = factory.getTlsConfigs();
            if (!tls.isEmpty()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("engine", tls.get(0).engineProvider());
                t.put("protocols", tls.get(0).protocols());
                t.put("clientAuth", tls.get(0).clientAuth().name());
                t.put("kernelTls", dev.evpl.reactive.core.tls.KernelTls.offloadOffReason());
                h.withDetail("tls", t);
            }
        }
        return h.build();
    }
}
