import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.bind.TcpServer;
import dev.evpl.reactive.core.framing.FrameEncoder;
import dev.evpl.reactive.core.framing.Framing;
import dev.evpl.reactive.core.framing.SegmentFunction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;

public class EchoTour {
    public static void main(String[] args) {
        try (EventLoopGroup loops = EventLoopGroup.create(GroupConfig.builder().threads(2).build())) {
            // Server: every connection echoes, zero-copy (received segments are sent as they are).
            TcpServer.DisposableServer server = TcpServer.create().loops(loops).port(0)
                    .handle(bind -> bind.send(bind.receive()))
                    .bindNow();

            // Client on the fastest TCP this machine has: io_uring where it works, else epoll.
            Bind bind = Bind.connect(loops.loop(0), Protocol.preferredTcp(), Endpoint.inet("127.0.0.1", server.port()))
                    .block(Duration.ofSeconds(5));

            // Bytes from any thread: copied into a pooled segment on the bind's loop, sent in call order.
            bind.sendString("hello\n").block(Duration.ofSeconds(5));
            // Or framed by an encoder: here each payload gets its "\n" (FrameEncoder.length32() for a prefix).
            Framing.sendBytes(bind, FrameEncoder.line(),
                    Flux.just("framed one", "framed two").map(s -> s.getBytes(StandardCharsets.UTF_8)))
                    .block(Duration.ofSeconds(5));

            // Receive as messages: the decoder matching the encoder; demand counts messages. A message is
            // the whole frame (here the line with its "\n"); the subscriber owns and releases each one.
            List<String> lines = Framing.receive(bind, SegmentFunction.line(1024))
                    .map(frame -> {
                        try {
                            return frame.toString(StandardCharsets.UTF_8).strip();
                        } finally {
                            frame.release();
                        }
                    })
                    .take(3).collectList().block(Duration.ofSeconds(5));
            System.out.println("echoed " + lines + " over " + bind.protocol().name());

            bind.close();
            server.dispose();
        }
    }
}
