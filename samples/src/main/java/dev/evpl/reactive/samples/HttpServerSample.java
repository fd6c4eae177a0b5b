package dev.evpl.reactive.samples;

import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.http.DisposableHttpServer;
import dev.evpl.reactive.http.HttpHeaders;
import dev.evpl.reactive.http.HttpServer;
import dev.evpl.reactive.http.HttpServerRequest;
import dev.evpl.reactive.http.HttpServerResponse;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import reactor.core.publisher.Mono;

/**
 * {@code http-server --port P [--host H] [--threads N] [--protocol NAME] [--epoll-wait]}: prints
 * {@code LISTENING http <address>} once it accepts, then serves until killed:
 * {@code GET /hello} → 200 {@code text/plain} {@code Hello, World!}; {@code POST /echo} → 200 with the
 * request body streamed back; any method on {@code /inspect} → 200 {@code application/json} with what
 * the server parsed (method, target, version, headers, body length and SHA-256, trailers).
 */
final class HttpServerSample {
    private static final byte[] HELLO = "Hello, World!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HttpServerSample() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        // --epoll-wait: loops with an io_uring ring still wait in epoll (LoopConfig.ioHandler EPOLL)
        dev.evpl.reactive.core.EventLoopGroup loops = dev.evpl.reactive.core.EventLoopGroup.create(
                dev.evpl.reactive.core.GroupConfig.builder().threads(args.getInt("threads", 1))
                        .loopConfig(dev.evpl.reactive.core.LoopConfig.builder().ioHandler(args.has("epoll-wait")
                        ? dev.evpl.reactive.core.IoHandlerType.EPOLL : dev.evpl.reactive.core.IoHandlerType.AUTO).build())
                        .build());
        HttpServer config = HttpServer.create()
                .protocol(Protocol.lookup(args.get("protocol", "STREAM_SOCKET_TCP")))
                .host(args.get("host", "127.0.0.1"))
                .port(args.getInt("port", 8080))
                .runOn(loops)
                .route(r -> r.get("/hello", HttpServerSample::hello)
                        .post("/echo", (req, res) -> res.send(req.receive()))
                        .any("/inspect", HttpServerSample::inspect));
        String scheme = "http";
        if (args.has("cert") || args.has("https")) {
            // HTTPS: --cert/--key, or --https alone for a throw-away certificate.
            config = config.secure(ServerCertificate.fromArgs(args).alpn("http/1.1").build());
            scheme = "https";
        }
        DisposableHttpServer server = config.bindNow();
        out.println("LISTENING " + scheme + " " + server.address());
        out.flush();
        new CountDownLatch(1).await(); // until killed
        return 0;
    }

    private static Mono<Void> hello(HttpServerRequest req, HttpServerResponse res) {
        // A small constant body: encoded behind the head into the response's one segment.
        return res.header("Content-Type", "text/plain").sendBytes(HELLO);
    }

    static Mono<Void> inspect(HttpServerRequest req, HttpServerResponse res) {
        MessageDigest sha = sha256();
        long[] length = new long[1];
        return req.receive().doOnNext(s -> {
            for (java.nio.ByteBuffer view : s.asByteBuffers()) {
                length[0] += view.remaining();
                sha.update(view);
            }
            s.release();
        }).then(Mono.defer(() -> {
            String json = "{\"method\":" + quote(req.method())
                    + ",\"target\":" + quote(req.target())
                    + ",\"version\":" + quote(req.version().text())
                    + ",\"headers\":" + pairs(req.headers())
                    + ",\"bodyLength\":" + length[0]
                    + ",\"bodySha256\":" + quote(HexFormat.of().formatHex(sha.digest()))
                    + ",\"trailers\":" + pairs(req.trailers()) + "}";
            return res.header("Content-Type", "application/json").sendString(json);
        }));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pairs(HttpHeaders h) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < h.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('[').append(quote(h.name(i))).append(',').append(quote(h.value(i))).append(']');
        }
        return sb.append(']').toString();
    }

    /** A JSON string: quotes, backslashes and every non-printable or non-ASCII character escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
