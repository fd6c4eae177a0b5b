package dev.evpl.reactive.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.bind.StreamTransport;
import dev.evpl.reactive.core.bind.TcpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The transport SPI from outside the library's packages: a transport another module provides is
 * found by {@code ServiceLoader}, serves the protocol it defined through the same listener, server
 * and connect API as the built-in ones, and cannot displace a built-in transport.
 */
class TransportSpiTest {
    private EventLoopGroup loops;

    @BeforeEach
    void start() {
        loops = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
    }

    @AfterEach
    void stop() {
        loops.close();
    }

    @Test
    void aProvidedTransportServesItsProtocolThroughTheSameApi() {
        Protocol layered = Protocol.lookup("stream_test_layered");
        assertThat(layered).isSameAs(LayeredTestTransport.PROTOCOL);
        assertThat(layered.isAvailable()).isTrue();
        assertThat(layered.isStream()).isTrue();
        int acceptedBefore = LayeredTestTransport.ACCEPTED.get();
        int connectedBefore = LayeredTestTransport.CONNECTED.get();
        TcpServer.DisposableServer server = TcpServer.create().protocol(layered).endpoint(Endpoint.inet("127.0.0.1", 0))
                .loops(loops).handle(bind -> bind.send(bind.receive()).then()).bindNow();
        try {
            for (int i = 0; i < 20; i++) {
                String text = "hello over a provided transport " + i;
                String echoed = Bind.connect(loops.loop(i % 2), layered, Endpoint.inet("127.0.0.1", server.port()))
                        .flatMap(b -> {
                            assertThat(b.protocol()).isSameAs(layered);
                            return b.sendString(text).then(Flux.from(b.receive())
                                    .map(s -> {
                                        String part = s.toString(StandardCharsets.UTF_8);
                                        s.release();
                                        return part;
                                    })
                                    .scan(new StringBuilder(), StringBuilder::append)
                                    .filter(sb -> sb.length() >= text.length())
                                    .next()
                                    .map(StringBuilder::toString))
                                    .doFinally(sig -> b.close());
                        })
                        .block(Duration.ofSeconds(5));
                assertThat(echoed).isEqualTo(text);
            }
        } finally {
            server.dispose();
        }
        assertThat(LayeredTestTransport.ACCEPTED.get() - acceptedBefore).isEqualTo(20);
        assertThat(LayeredTestTransport.CONNECTED.get() - connectedBefore).isEqualTo(20);
    }

    @Test
    void aProviderCannotDisplaceABuiltInTransportAndNamesAreValidated() {
        // BrokenDuplicateTransport is listed for STREAM_SOCKET_TCP too: the built-in one serves it.
        assertThat(StreamTransport.of(Protocol.STREAM_SOCKET_TCP)).isNotInstanceOf(BrokenDuplicateTransport.class);
        assertThat(Protocol.define("STREAM_TEST_LAYERED", true, Endpoint.Kind.INET)).isSameAs(LayeredTestTransport.PROTOCOL);
        assertThatThrownBy(() -> Protocol.define("STREAM_TEST_LAYERED", false, Endpoint.Kind.INET))
                .hasMessage("protocol STREAM_TEST_LAYERED is defined already, as a stream protocol on INET endpoints");
        assertThatThrownBy(() -> Protocol.define("STREAM_SOCKET_TLS", true, Endpoint.Kind.INET))
                .hasMessage("protocol STREAM_SOCKET_TLS is defined already, as a stream protocol on INET endpoints");
        assertThatThrownBy(() -> Protocol.define("lower-case", true, Endpoint.Kind.INET))
                .hasMessage("a protocol name is upper case letters, digits and '_', got 'lower-case'");
        Protocol undefined = Protocol.define("STREAM_TEST_NOBODY", true, Endpoint.Kind.UNIX);
        assertThat(undefined.unavailableReason()).isEqualTo("no transport serves STREAM_TEST_NOBODY in this process");
        assertThatThrownBy(() -> StreamTransport.of(undefined)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("STREAM_TEST_NOBODY is not available: no transport serves STREAM_TEST_NOBODY in this process");
        // The TLS transport comes through the service registry like any added one; RDMA stays a placeholder.
        assertThat(Protocol.STREAM_SOCKET_TLS.isAvailable()).isTrue();
        assertThat(Protocol.STREAM_RDMACM_RC.unavailableReason()).isNotNull();
    }
}
