package dev.evpl.reactive.spring.boot;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.spring.web.EvplReactiveWebServerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Micrometer meters of the evpl loops, buffers and HTTP server. Per loop (tag {@code loop}, one value
 * per loop thread: bounded cardinality): {@code evpl.loop.iterations}, {@code evpl.loop.tasks},
 * {@code evpl.loop.wakeups}, {@code evpl.loop.time} (seconds, tag {@code state} = busy | poll |
 * sleep), {@code evpl.loop.polling} (1 while polling), {@code evpl.loop.callback.errors}
 * (exceptions that escaped a callback, each logged at ERROR), {@code evpl.loop.bytes.received} and
 * {@code evpl.loop.bytes.sent}; pool: {@code evpl.buffer.pool.mapped}, {@code .in.use},
 * {@code .free} (bytes); {@code evpl.http.server.connections}. Request timings are WebFlux's own
 * {@code http.server.requests} (URI templates as tags), which run on evpl unchanged. Every meter
 * reads counters the loops keep anyway (racy reads, no loop hop, nothing added to the hot path).
 */
public final class EvplMeters implements MeterBinder {
    private final EventLoopGroup loops;
    private final ObjectProvider<EvplReactiveWebServerFactory> servers;

    /** Meters of {@code loops} and of the servers of the factory, if any. */
    public EvplMeters(EventLoopGroup loops, ObjectProvider<EvplReactiveWebServerFactory> servers) {
        this.loops = loops;
        this.servers = servers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (EventLoop loop : loops.loops()) {
            counter(registry, "evpl.loop.iterations", loop, EventLoop::iterations, null, "passes of the loop");
            counter(registry, "evpl.loop.tasks", loop, EventLoop::tasksRun, null, "tasks run on the loop");
            counter(registry, "evpl.loop.wakeups", loop, EventLoop::wakeups, null, "wake-ups of the sleeping loop by other threads");
            counter(registry, "evpl.loop.callback.errors", loop, EventLoop::callbackErrors, null,
                    "exceptions that escaped a callback on the loop (each logged at ERROR; the loop went on)");
            counter(registry, "evpl.loop.bytes.received", loop, EventLoop::bytesReceived, "bytes", "bytes read from sockets");
            counter(registry, "evpl.loop.bytes.sent", loop, EventLoop::bytesSent, "bytes", "bytes written to sockets");
            time(registry, loop, "busy", l -> l.busyNanos() / 1e9);
            time(registry, loop, "poll", l -> l.pollNanos() / 1e9);
            time(registry, loop, "sleep", l -> l.sleepNanos() / 1e9);
            Gauge.builder("evpl.loop.polling", loop, l -> l.isPolling() ? 1 : 0).tag("loop", loop.name())
                    .description("1 while the loop busy-polls, 0 while it waits in the kernel").register(registry);
        }
        BufferPool pool = BufferPool.global();
        Gauge.builder("evpl.buffer.pool.mapped", pool, BufferPool::mappedBytes).baseUnit("bytes")
                .description("pooled off-heap memory mapped").register(registry);
        Gauge.builder("evpl.buffer.pool.in.use", pool, BufferPool::inUseBytes).baseUnit("bytes")
                .description("pooled memory handed out to allocators").register(registry);
        Gauge.builder("evpl.buffer.pool.free", pool, p -> p.mappedBytes() - p.inUseBytes()).baseUnit("bytes")
                .description("pooled memory mapped and free").register(registry);
        Gauge.builder("evpl.http.server.connections", servers, EvplMeters::connections)
                .description("open connections of the evpl HTTP server").register(registry);
    }

    private static double connections(ObjectProvider<EvplReactiveWebServerFactory> servers) {
        EvplReactiveWebServerFactory factory = servers.getIfAvailable();
        return factory == null ? 0 : factory.getConnectionCount();
    }

    private static void counter(MeterRegistry registry, String name, EventLoop loop, ToDoubleFunction<EventLoop> f,
            String unit, String description) {
        FunctionCounter.builder(name, loop, f).tag("loop", loop.name()).baseUnit(unit).description(description)
                .register(registry);
    }

    private static void time(MeterRegistry registry, EventLoop loop, String state, ToDoubleFunction<EventLoop> f) {
        FunctionCounter.builder("evpl.loop.time", loop, f).tags("loop", loop.name(), "state", state)
                .baseUnit("seconds").description("time the loop spent busy, polling or sleeping").register(registry);
    }
}
