package dev.evpl.reactive.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The comparison peer for {@code benchmarks/http-vs-reactor-netty.sh}: Reactor Netty's HttpServer
 * with one event loop serving the http-server sample's {@code GET /hello} and {@code POST /echo},
 * written the idiomatic way.
 * {@code java -cp benchmarks/target/benchmarks.jar dev.evpl.reactive.benchmarks.ReactorNettyHttp PORT}
 */
public final class ReactorNettyHttp {
    private ReactorNettyHttp() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "8304");
        byte[] hello = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
        LoopResources loops = LoopResources.create("rn-http", 1, true);
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .runOn(loops)
                .route(r -> r.get("/hello", (req, res) -> {
                    ByteBuf body = Unpooled.wrappedBuffer(hello);
                    return res.header("Content-Type", "text/plain").header("Content-Length", "13").send(Mono.just(body));
                }).post("/echo", (req, res) -> res.send(req.receive().retain())))
                .bindNow();
        System.out.println("LISTENING reactor-netty-http " + server.address());
        server.onDispose().block();
    }
}
