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

    @Test
    void oneServiceOnTcpUnixAndInProcessAtOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (EventLoopGroup group = EventLoopGroup.create(2)) {
            ListenerSet set = ListenerSet.listen(SteeringPolicy.roundRobin(),
                    new ListenerSet.Spec(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0)),
                    new ListenerSet.Spec(Protocol.STREAM_SOCKET_UNIX, Endpoint.unix(dir.resolve("svc.sock").toString())),
                    new ListenerSet.Spec(Protocol.STREAM_INPROC, Endpoint.inproc("svc")));
            for (dev.evpl.reactive.core.EventLoop loop : group.loops()) {
                set.attach(loop, bind -> bind.send(bind.receive()).subscribe());
            }
            Endpoint[] targets = {Endpoint.inet("127.0.0.1", set.listeners().get(0).port()),
                    Endpoint.unix(dir.resolve("svc.sock").toString()), Endpoint.inproc("svc")};
            Protocol[] protocols = {Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_SOCKET_UNIX, Protocol.STREAM_INPROC};
            for (int i = 0; i < 3; i++) {
                Bind client = Bind.connect(group.loop(0), protocols[i], targets[i]).block(java.time.Duration.ofSeconds(5));
                long echoed = StreamBindTest.transfer(client, 1 << 20, new java.util.Random(i), 10_000);
                assertThat(echoed).as(protocols[i].name()).isEqualTo(1 << 20);
                client.close();
            }
            set.dispose();
            assertThat(set.isDisposed()).isTrue();
            assertThatThrownBy(() -> ListenerSet.listen(SteeringPolicy.roundRobin(),
                    new ListenerSet.Spec(Protocol.STREAM_INPROC, Endpoint.inproc("ok-1")),
                    new ListenerSet.Spec(Protocol.STREAM_SOCKET_UNIX, Endpoint.inet("127.0.0.1", 0))))
                    .hasMessage("STREAM_SOCKET_UNIX needs a unix path endpoint, got 127.0.0.1:0");
            // The first listener of the failed set was closed again: its name is free.
            Listener.listen(Protocol.STREAM_INPROC, Endpoint.inproc("ok-1")).dispose();
        }
    }
}
