package dev.evpl.reactive.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.File;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;
import reactor.netty.tcp.TcpSslContextSpec;

/**
 * The comparison peers for {@code benchmarks/https-vs-reactor-netty.sh}: Reactor Netty's HTTPS
 * server ({@code GET /hello}, {@code POST /echo}) and its TLS echo {@code TcpServer}, one event loop
 * each, written the idiomatic way; the JDK provider, or with {@code openssl} netty-tcnative's
 * BoringSSL. {@code java -cp benchmarks/target/benchmarks.jar dev.evpl.reactive.benchmarks.ReactorNettyTls
 * https|echo PORT CERT.pem KEY.pem [jdk|openssl]}
 */
public final class ReactorNettyTls {
    private ReactorNettyTls() {
    }

    public static void main(String[] args) {
        if (args.length != 4 && args.length != 5) {
            throw new IllegalArgumentException("usage: https|echo PORT CERT.pem KEY.pem [jdk|openssl]");
        }
        io.netty.handler.ssl.SslProvider provider = args.length == 5 && args[4].equals("openssl")
                ? io.netty.handler.ssl.SslProvider.OPENSSL : io.netty.handler.ssl.SslProvider.JDK;
        if (provider == io.netty.handler.ssl.SslProvider.OPENSSL && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
            throw new IllegalStateException("netty-tcnative is not usable here", io.netty.handler.ssl.OpenSsl.unavailabilityCause());
        }
        int port = Integer.parseInt(args[1]);
        File cert = new File(args[2]);
        File key = new File(args[3]);
        LoopResources loops = LoopResources.create("rn-tls", 1, true);
        DisposableServer server;
        if (args[0].equals("https")) {
            byte[] hello = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
            server = HttpServer.create().host("127.0.0.1").port(port).runOn(loops)
                    .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(cert, key).configure(b -> b.sslProvider(provider))))
                    .route(r -> r.get("/hello", (req, res) -> {
                        ByteBuf body = Unpooled.wrappedBuffer(hello);
                        return res.header("Content-Type", "text/plain").header("Content-Length", "13").send(Mono.just(body));
                    }).post("/echo", (req, res) -> res.send(req.receive().retain())))
                    .bindNow();
        } else {
            server = TcpServer.create().host("127.0.0.1").port(port).runOn(loops)
                    .secure(spec -> spec.sslContext(TcpSslContextSpec.forServer(cert, key).configure(b -> b.sslProvider(provider))))
                    .handle((in, out) -> out.send(in.receive().retain()))
                    .bindNow();
        }
        System.out.println("LISTENING reactor-netty-" + args[0] + " " + provider + " " + server.address());
        server.onDispose().block();
    }
}
