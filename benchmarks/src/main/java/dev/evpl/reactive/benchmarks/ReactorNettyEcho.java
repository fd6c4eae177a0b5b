package dev.evpl.reactive.benchmarks;

import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;

/**
 * The comparison peer for {@code benchmarks/echo-vs-cecho.sh}: a Reactor Netty TCP echo server
 * with one event loop (its native epoll transport when available), written the idiomatic way.
 * {@code java -cp benchmarks/target/benchmarks.jar dev.evpl.reactive.benchmarks.ReactorNettyEcho PORT}
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
        System.out.println("LISTENING reactor-netty " + server.address());
        server.onDispose().block();
    }
}
