package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoopGroup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The facade, with the JDK's blocking socket as the peer. */
class TcpServerTest {

    @Test
    void handleEchoesAndClosesWhenTheHandlerCompletes() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(2)) {
            TcpServer base = TcpServer.create().loops(group);
            TcpServer.DisposableServer server = base.port(0).handle(bind -> bind.send(bind.receive().take(1))).bindNow();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                // One receive, echoed, then the handler completes and the server closes: EOF follows.
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ping");
            } finally {
                server.dispose();
            }
            assertThat(server.isDisposed()).isTrue();
            assertThatThrownBy(() -> TcpServer.create().loops(group).bindNow()).hasMessage("TcpServer.handle(...) must be set");
            assertThatThrownBy(() -> TcpServer.create().handle(b -> b.receive()).bindNow()).hasMessage("TcpServer.loops(...) must be set");
        }
    }
}
