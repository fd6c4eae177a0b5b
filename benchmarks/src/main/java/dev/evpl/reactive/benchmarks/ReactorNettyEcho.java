package dev.evpl.reactive.benchmarks;

import io.netty.channel.socket.DatagramPacket;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpServer;

/**
 * The comparison peer for {@code benchmarks/echo-vs-cecho.sh}: a Reactor Netty TCP echo server and
 * UDP echo server sharing one event loop (its native epoll transport when available), written the
 * idiomatic way. {@code java -cp benchmarks/target/benchmarks.jar dev.evpl.reactive.benchmarks.ReactorNettyEcho TCP_PORT [UDP_PORT]}
 */
public final class ReactorNettyEcho {
    private ReactorNettyEcho() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "7304");
        LoopResources loops = LoopResources.create("rn-echo", 1, true);
        DisposableServer server = TcpServer.create()
                .host("127.0.0.1")
                .port(port)
                .runOn(loops)
                .handle((in, out) -> out.send(in.receive().retain()))
                .bindNow();
        if (args.length > 1) {
            Connection udp = UdpServer.create()
                    .host("127.0.0.1")
                    .port(Integer.parseInt(args[1]))
                    .runOn(loops)
                    .handle((in, out) -> out.sendObject(in.receiveObject().map(o -> {
                        DatagramPacket p = (DatagramPacket) o;
                        return new DatagramPacket(p.content().retain(), p.sender());
                    })))
                    .bindNow();
            System.out.println("LISTENING reactor-netty-udp " + udp.address());
        }
        System.out.println("LISTENING reactor-netty " + server.address());
        server.onDispose().block();
    }
}
