package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.BufferConfig;
import dev.evpl.reactive.spring.boot.EvplAutoConfiguration;
import dev.evpl.reactive.spring.boot.EvplProperties;
import dev.evpl.reactive.spring.boot.EvplProtocol;
import dev.evpl.reactive.spring.web.EvplReactiveWebServerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code evpl.*} binding, validation with the property's name, back-off to user beans, metadata. */
class PropertiesTest {
    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EvplAutoConfiguration.class));

    @Test
    void defaultsAreTheLibrarysOwn() {
        EvplProperties p = new EvplProperties();
        LoopConfig loop = LoopConfig.defaults();
        BufferConfig buffer = BufferConfig.defaults();
        assertThat(p.getLoops().getSpin()).isEqualTo(loop.spin());
        assertThat(p.getIoUring().getRingEntries()).isEqualTo(loop.uring().entries());
        assertThat(p.getLoops().getIoHandler()).isEqualTo(loop.ioHandler());
        assertThat(p.getBuffer().getSize().toBytes()).isEqualTo(buffer.bufferSize());
        assertThat(p.getBuffer().getSlabSize().toBytes()).isEqualTo(buffer.slabSize());
        assertThat(p.getBuffer().getMaxMemory().toBytes()).isEqualTo(buffer.maxMemory());
        assertThat(Protocol.lookup(p.getProtocol())).isEqualTo(Protocol.STREAM_SOCKET_TCP);
    }

    @Test
    void propertiesBindIntoTheBeans() {
        runner.withPropertyValues("evpl.loops.count=3", "evpl.loops.thread-name-prefix=app-loop",
                "evpl.http.server.read-timeout=5s", "evpl.http.client.max-connections=2").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    EventLoopGroup group = ctx.getBean(EventLoopGroup.class);
                    assertThat(group.size()).isEqualTo(3);
                    assertThat(group.loop(2).name()).isEqualTo("app-loop-2");
                    assertThat(ctx.getBean(EvplProperties.class).getHttp().getServer().getReadTimeout())
                            .isEqualTo(Duration.ofSeconds(5));
                    assertThat(ctx.getBean(EvplReactiveWebServerFactory.class).getLoops()).isSameAs(group);
                });
    }

    @Test
    void cpuAffinityAndSpinReachTheLoops() {
        runner.withPropertyValues("evpl.loops.count=2", "evpl.loops.cpu-affinity=0", "evpl.loops.spin=0s",
                "evpl.loops.spin-min=200us", "evpl.loops.spin-core-share=0.5", "evpl.io-uring.ring-entries=64", "evpl.loops.io-handler=epoll").run(ctx -> {
                    EventLoopGroup group = ctx.getBean(EventLoopGroup.class);
                    assertThat(group.config().cpuAffinity()).containsExactly(0);
                    assertThat(group.loop(1).config().spin()).isEqualTo(Duration.ZERO);
                    assertThat(group.loop(1).config().spinMin()).isEqualTo(Duration.ofNanos(200_000));
                    assertThat(group.loop(1).config().spinCoreShare()).isEqualTo(0.5);
                    assertThat(group.loop(0).config().uring().entries()).isEqualTo(64);
                    assertThat(group.loop(0).config().ioHandler()).isEqualTo(dev.evpl.reactive.core.IoHandlerType.EPOLL);
                    // both loops pinned to CPU 0: each reports it from its own thread
                    for (int i = 0; i < 2; i++) {
                        dev.evpl.reactive.core.EventLoop loop = group.loop(i);
                        Integer cpu = reactor.core.publisher.Mono.fromCallable(() -> sched_getcpu())
                                .subscribeOn(loop).block(Duration.ofSeconds(5));
                        assertThat(cpu).as(loop.name()).isZero();
                    }
                });
    }

    private static int sched_getcpu() {
        return dev.evpl.reactive.core.internal.nativeio.Native.LIBC.sched_getcpu();
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        failsWith("evpl.loops.count=5000", "evpl.loops.count must be between 0 and 1024");
        failsWith("evpl.loops.spin=5s", "evpl.loops.spin must be between");
        failsWith("evpl.loops.spin-core-share=2", "evpl.loops.spin-core-share must be between 0 and 1, got 2.0");
        failsWith("evpl.io-uring.ring-entries=300", "evpl.io-uring.ring-entries must be a power of two");
        failsWith("evpl.buffer.size=3MB", "evpl.buffer.size must be a power of two");
        failsWith("evpl.http.server.max-header-size=10B", "evpl.http.server.max-header-size must be between 256B and 1MB");
        failsWith("evpl.http.client.max-connections=0", "evpl.http.client.max-connections must be between 1 and 10000");
        failsWith("evpl.protocol=NOPE", "evpl.protocol: unknown protocol 'NOPE'");
        failsWith("evpl.protocol=DATAGRAM_SOCKET_UDP", "evpl.protocol must be a stream protocol over IP");
    }

    @Test
    void aPoolAlreadyInUseCannotChangeItsBufferSize() {
        failsWith("evpl.buffer.size=1MB", "evpl.buffer.*: the global buffer pool is in use already");
    }

    private void failsWith(String property, String message) {
        runner.withPropertyValues(property).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable t = ctx.getStartupFailure();
            StringBuilder all = new StringBuilder();
            for (Throwable c = t; c != null; c = c.getCause()) {
                all.append(c.getMessage()).append('\n');
            }
            assertThat(all.toString()).as(property).contains(message);
        });
    }

    @Test
    void ioUringSwitchedOffFallsBackToEpollAndSaysWhy() {
        runner.withPropertyValues("evpl.protocol=STREAM_IO_URING_TCP", "evpl.io-uring.enabled=false").run(ctx -> {
            EvplProtocol p = ctx.getBean(EvplProtocol.class);
            assertThat(p.protocol()).isEqualTo(Protocol.STREAM_SOCKET_TCP);
            assertThat(p.requested()).isEqualTo("STREAM_IO_URING_TCP");
            assertThat(p.fallbackReason()).isEqualTo("evpl.io-uring.enabled=false");
        });
    }

    @Test
    void ioUringIsUsedWhenAvailable() {
        runner.withPropertyValues("evpl.protocol=stream_io_uring_tcp").run(ctx -> {
            EvplProtocol p = ctx.getBean(EvplProtocol.class);
            if (Protocol.STREAM_IO_URING_TCP.isAvailable()) {
                assertThat(p.protocol()).isEqualTo(Protocol.STREAM_IO_URING_TCP);
                assertThat(ctx.getBean(EvplReactiveWebServerFactory.class).getProtocol()).isEqualTo(Protocol.STREAM_IO_URING_TCP);
            } else {
                assertThat(p.fallbackReason()).isEqualTo(Protocol.STREAM_IO_URING_TCP.unavailableReason());
            }
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnGroup {
        @Bean(destroyMethod = "close")
        EventLoopGroup myLoops() {
            return EventLoopGroup.create(1);
        }
    }

    @Test
    void anApplicationGroupReplacesTheStartersAndIsUsedByTheServer() {
        runner.withUserConfiguration(OwnGroup.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(EventLoopGroup.class);
            assertThat(ctx.getBean(EvplReactiveWebServerFactory.class).getLoops()).isSameAs(ctx.getBean("myLoops"));
        });
    }

    @Test
    void disabledMeansNoBeans() {
        runner.withPropertyValues("evpl.enabled=false").run(ctx -> {
            assertThat(ctx).doesNotHaveBean(EventLoopGroup.class);
            assertThat(ctx).doesNotHaveBean(EvplReactiveWebServerFactory.class);
        });
    }

    @Test
    void configurationMetadataIsGeneratedWithDescriptionsAndDefaults() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"name\": \"evpl.loops.count\"", "\"name\": \"evpl.http.server.read-timeout\"", "\"name\": \"evpl.http.server.body-timeout\"",
                    "\"name\": \"evpl.http.server.write-timeout\"",
                    "\"name\": \"evpl.io-uring.ring-entries\"", "\"defaultValue\": \"30s\"",
                    "Number of event loops (threads)");
        }
    }
}
