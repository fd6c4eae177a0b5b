package dev.evpl.reactive.spring.boot;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.buffer.BufferConfig;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.http.HttpClient;
import dev.evpl.reactive.http.HttpServer;
import dev.evpl.reactive.spring.web.EvplClientHttpConnector;
import dev.evpl.reactive.spring.web.EvplReactiveWebServerFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.autoconfigure.reactive.ReactiveWebServerConfiguration;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.reactive.ClientHttpConnector;

/**
 * Auto-configuration of evpl for Spring Boot: the loop group (a bean with a lifecycle: started
 * with the context, closed gracefully with it; usable as a Reactor {@code Scheduler}), WebFlux's
 * server on evpl (ahead of Reactor Netty's), and WebClient's connector on the evpl HTTP client.
 * Every bean backs off when the application defines its own; {@code evpl.enabled=false} turns the
 * whole of it off.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
        "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration",
        "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@ConditionalOnClass({ EventLoopGroup.class, HttpServer.class })
@ConditionalOnBooleanProperty(name = "evpl.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EvplProperties.class)
public final class EvplAutoConfiguration {
    private static final Log LOG = LogFactory.getLog(EvplAutoConfiguration.class);

    /** The loop group; closed (gracefully, up to 10 s) when the context closes, after the web server stopped. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    EventLoopGroup evplLoopGroup(EvplProperties properties) {
        EvplProperties.Buffer b = properties.getBuffer();
        BufferConfig buffers = named("evpl.buffer", () -> BufferConfig.builder()
                .bufferSize((int) b.getSize().toBytes())
                .slabSize(b.getSlabSize().toBytes())
                .maxMemory(b.getMaxMemory().toBytes())
                .build());
        try {
            BufferPool.configureGlobal(buffers);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("evpl.buffer.*: " + e.getMessage(), e);
        }
        EvplProperties.Loops l = properties.getLoops();
        LoopConfig loop = named("evpl.loops", () -> LoopConfig.builder()
                .spin(l.getSpin())
                .spinMin(l.getSpinMin())
                .spinCoreShare(l.getSpinCoreShare())
                .ioHandler(l.getIoHandler())
                .uring(dev.evpl.reactive.core.UringConfig.builder().entries(properties.getIoUring().getRingEntries()).build())
                .build());
        GroupConfig.Builder group = GroupConfig.builder()
                .threads(l.effectiveCount())
                .threadNamePrefix(l.getThreadNamePrefix())
                .loopConfig(loop);
        if (!l.getCpuAffinity().isEmpty()) {
            group.cpuAffinity(l.getCpuAffinity().stream().mapToInt(Integer::intValue).toArray());
        }
        GroupConfig config = named("evpl.loops", group::build);
        LOG.info("evpl: " + config.threads() + " event loops, " + buffers);
        return EventLoopGroup.create(config);
    }

    /** The protocol HTTP runs on: {@code evpl.protocol}, or TCP on epoll when that is unavailable (logged). */
    @Bean
    @ConditionalOnMissingBean
    EvplProtocol evplProtocol(EvplProperties properties) {
        return EvplProtocol.choose(properties.getProtocol(), properties.getIoUring().isEnabled());
    }

    /** WebFlux on the evpl HTTP server; {@code server.*} customizers come with Boot's reactive server configuration. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.http.server.reactive.HttpHandler")
    @Import(ReactiveWebServerConfiguration.class)
    static class Server {
        @Bean
        @ConditionalOnMissingBean(ReactiveWebServerFactory.class)
        EvplReactiveWebServerFactory evplReactiveWebServerFactory(EventLoopGroup loops, EvplProtocol protocol,
                EvplProperties properties) {
            EvplReactiveWebServerFactory factory = new EvplReactiveWebServerFactory(loops);
            factory.setProtocol(protocol.protocol());
            factory.setTlsEngine(properties.getTls().getEngine());
            EvplProperties.Server s = properties.getHttp().getServer();
            factory.addServerCustomizer(server -> named("evpl.http.server", () -> server
                    .maxTargetLength((int) s.getMaxTargetLength().toBytes())
                    .maxHeaderSize((int) s.getMaxHeaderSize().toBytes())
                    .readTimeout(s.getReadTimeout())
                    .idleTimeout(s.getIdleTimeout())
                    .bodyTimeout(s.getBodyTimeout())
                    .writeTimeout(s.getWriteTimeout())
                    .maxDiscard(s.getMaxDiscard().toBytes())));
            return factory;
        }
    }

    /** WebClient on the evpl HTTP client. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.http.client.reactive.ClientHttpConnector")
    static class Client {
        /** The evpl client; its pools are closed with the context (the loops are the group's). */
        @Bean(destroyMethod = "dispose")
        @ConditionalOnMissingBean
        HttpClient evplHttpClient(EventLoopGroup loops, EvplProtocol protocol, EvplProperties properties,
                org.springframework.beans.factory.ObjectProvider<org.springframework.boot.ssl.SslBundles> sslBundles) {
            EvplProperties.Client c = properties.getHttp().getClient();
            return named("evpl.http.client", () -> {
                HttpClient client = HttpClient.create()
                        .protocol(protocol.protocol())
                        .runOn(loops)
                        .maxConnections(c.getMaxConnections())
                        .pendingAcquireMaxCount(c.getPendingAcquireMaxCount())
                        .pendingAcquireTimeout(c.getPendingAcquireTimeout())
                        .maxIdleTime(c.getMaxIdleTime());
                if (c.getMaxLifeTime() != null) {
                    client = client.maxLifeTime(c.getMaxLifeTime());
                }
                if (c.getResponseTimeout() != null) {
                    client = client.responseTimeout(c.getResponseTimeout());
                }
                if (c.getSslBundle() != null) {
                    org.springframework.boot.ssl.SslBundles bundles = sslBundles.getIfAvailable();
                    if (bundles == null) {
                        throw new IllegalArgumentException("ssl-bundle '" + c.getSslBundle()
                                + "' is set but the application has no SSL bundles (spring.ssl.bundle.*)");
                    }
                    org.springframework.boot.ssl.SslBundle bundle;
                    try {
                        bundle = bundles.getBundle(c.getSslBundle());
                    } catch (org.springframework.boot.ssl.NoSuchSslBundleException e) {
                        throw new IllegalArgumentException("ssl-bundle: " + e.getMessage(), e);
                    }
                    client = client.secure(dev.evpl.reactive.spring.web.SslBundleTls.client(bundle, properties.getTls().getEngine()));
                }
                return client;
            });
        }

        @Bean
        @ConditionalOnMissingBean(ClientHttpConnector.class)
        EvplClientHttpConnector evplClientHttpConnector(HttpClient evplHttpClient) {
            return new EvplClientHttpConnector(evplHttpClient);
        }
    }

    /** Actuator health of the loops ({@code /actuator/health/evpl}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "evplHealthIndicator")
        EvplHealthIndicator evplHealthIndicator(EventLoopGroup loops, EvplProtocol protocol,
                org.springframework.beans.factory.ObjectProvider<EvplReactiveWebServerFactory> servers) {
            return new EvplHealthIndicator(loops, protocol, servers);
        }
    }

    /** Micrometer meters of the loops, buffers and server. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Meters {
        @Bean
        @ConditionalOnMissingBean
        EvplMeters evplMeters(EventLoopGroup loops,
                org.springframework.beans.factory.ObjectProvider<EvplReactiveWebServerFactory> servers) {
            return new EvplMeters(loops, servers);
        }
    }

    /** Runs a builder, prefixing its validation message with the property group it came from. */
    static <T> T named(String group, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(group + ".*: " + e.getMessage(), e);
        }
    }
}
