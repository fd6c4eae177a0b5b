package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Name resolution: cached for the TTL, refreshed after it, last good kept when a refresh fails. */
class DnsCacheTest {

    @Test
    void cachesForTheTtlAndKeepsTheLastGoodAddressWhenARefreshFails() throws Exception {
        AtomicLong now = new AtomicLong();
        AtomicInteger lookups = new AtomicInteger();
        AtomicReference<InetAddress> answer = new AtomicReference<>(InetAddress.getByName("127.0.0.1"));
        DnsCache cache = new DnsCache(host -> {
            lookups.incrementAndGet();
            InetAddress a = answer.get();
            if (a == null) {
                throw new UnknownHostException(host + ": temporary failure");
            }
            return a;
        }, Duration.ofSeconds(5), now::get);

        assertThat(cache.resolve("svc")).isEqualTo(InetAddress.getByName("127.0.0.1"));
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        cache.resolve("svc");
        assertThat(lookups).as("within the TTL: cached").hasValue(1);

        answer.set(InetAddress.getByName("127.0.0.2"));
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(cache.resolve("svc")).as("after the TTL: refreshed").isEqualTo(InetAddress.getByName("127.0.0.2"));
        assertThat(lookups).hasValue(2);

        answer.set(null);
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(cache.resolve("svc")).as("refresh failed: last good kept").isEqualTo(InetAddress.getByName("127.0.0.2"));
        assertThatThrownBy(() -> cache.resolve("never-resolved"))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessage("cannot resolve host 'never-resolved': never-resolved: temporary failure")
                .cause().isInstanceOf(java.net.UnknownHostException.class);
    }

    @Test
    void connectResolvesNamesOffTheLoop() {
        try (dev.evpl.reactive.core.EventLoopGroup group = dev.evpl.reactive.core.EventLoopGroup.create(1)) {
            Listener listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("localhost", 0));
            listener.attach(group.loop(0), Bind::close);
            // "localhost" goes through the resolver on a bounded-elastic thread (BlockHound watches the loop).
            Bind bind = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("localhost", listener.port()))
                    .block(Duration.ofSeconds(5));
            assertThat(bind.remoteAddress().toString()).contains(String.valueOf(listener.port()));
            bind.close();
            listener.dispose();
        }
    }

    @Test
    void aConnectToANameThatDoesNotResolveFailsWithUnknownHostException() {
        try (dev.evpl.reactive.core.EventLoopGroup group = dev.evpl.reactive.core.EventLoopGroup.create(1)) {
            // .invalid never resolves (RFC 6761): the connect's error is the UnknownHostException itself
            assertThatThrownBy(() -> Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP,
                    Endpoint.inet("no-such-host.invalid", 80)).block(Duration.ofSeconds(30)))
                    .isInstanceOf(RuntimeException.class)
                    .satisfies(e -> assertThat(reactor.core.Exceptions.unwrap(e))
                            .isInstanceOf(java.net.UnknownHostException.class)
                            .hasMessageStartingWith("cannot resolve host 'no-such-host.invalid'"));
        }
    }
}
