package dev.evpl.reactive.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The routes the tests serve (the same contract as the http-server sample). */
final class TestRoutes {
    private TestRoutes() {
    }

    /** Allocators for segments made on Reactor's own threads. */
    static final ThreadLocal<dev.evpl.reactive.core.buffer.SegmentAllocator> OFF_LOOP = ThreadLocal.withInitial(
            () -> new dev.evpl.reactive.core.buffer.SegmentAllocator(dev.evpl.reactive.core.buffer.BufferPool.global()));

    static void configure(HttpServerRoutes r) {
        r.get("/hello", (req, res) -> res.header("Content-Type", "text/plain").sendString("Hello, World!"))
                .post("/echo", (req, res) -> res.send(req.receive()))
                .any("/inspect", TestRoutes::inspect)
                .get("/users/{id}", (req, res) -> res.sendString("user " + req.param("id")))
                .get("/stream/{n}", (req, res) -> res.trailer("X-Count", req.param("n"))
                        .sendString(Flux.range(0, Integer.parseInt(req.param("n"))).map(i -> "chunk" + i + ";")))
                .get("/bytes", (req, res) -> res.sendBytes(new byte[] {'o', 'k'}))
                // a type named after sendString but before the send is subscribed: the handler's wins
                .get("/late-type", (req, res) -> {
                    Mono<Void> send = res.sendString("a,b");
                    res.headers().set("content-type", "text/csv");
                    return send;
                })
                // sent from a timer thread: the body is subscribed there (EagerBody), written on the loop
                .get("/ticks/{n}", (req, res) -> Mono.delay(java.time.Duration.ofMillis(1)).flatMap(x -> res.send(
                        Flux.interval(java.time.Duration.ofMillis(1)).take(Integer.parseInt(req.param("n")))
                                .map(i -> OFF_LOOP.get().copyOf(("t" + i + ";").getBytes(java.nio.charset.StandardCharsets.US_ASCII))))))
                // answers after {ms}: an exchange still in progress when the caller gives up
                .get("/slow/{ms}", (req, res) -> Mono.delay(java.time.Duration.ofMillis(Long.parseLong(req.param("ms"))))
                        .then(res.sendString("slow")))
                .get("/nocontent", (req, res) -> res.status(204).send())
                .get("/fail", (req, res) -> Mono.error(new IllegalStateException("boom (expected by the test)")))
                .get("/crlf", (req, res) -> {
                    res.header("X-Bad", "a\r\nInjected: yes");
                    return res.send();
                });
    }

    static Mono<Void> inspect(HttpServerRequest req, HttpServerResponse res) {
        MessageDigest sha = sha256();
        long[] length = new long[1];
        return req.receive().doOnNext(s -> {
            byte[] b = s.toByteArray();
            sha.update(b);
            length[0] += b.length;
            s.release();
        }).then(Mono.defer(() -> {
            StringBuilder json = new StringBuilder("{\"method\":").append(quote(req.method()))
                    .append(",\"target\":").append(quote(req.target()))
                    .append(",\"version\":").append(quote(req.version().text()))
                    .append(",\"headers\":").append(pairs(req.headers()))
                    .append(",\"bodyLength\":").append(length[0])
                    .append(",\"bodySha256\":").append(quote(HexFormat.of().formatHex(sha.digest())))
                    .append(",\"trailers\":").append(pairs(req.trailers()))
                    .append('}');
            return res.header("Content-Type", "application/json").sendString(json.toString());
        }));
    }

    static MessageDigest sha256() {
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

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
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
