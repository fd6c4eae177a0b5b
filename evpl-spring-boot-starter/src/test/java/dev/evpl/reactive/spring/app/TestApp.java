package dev.evpl.reactive.spring.app;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The WebFlux application the starter's tests run: controllers, a functional route, streams. */
@SpringBootApplication
public class TestApp {
    /** A JSON payload. */
    public record Item(String id, int quantity, String note) {
    }

    @Bean
    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .GET("/fn/hello/{name}", r -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN)
                        .bodyValue("Hello, " + r.pathVariable("name") + " from " + Thread.currentThread().getName()))
                .build();
    }

    @RestController
    static class Controller {
        @GetMapping("/hello")
        String hello() {
            return "Hello, World!";
        }

        /** How the request arrived: its URI scheme and, over TLS, whether Spring sees the session. */
        @GetMapping("/tls")
        String tls(ServerWebExchange exchange) {
            org.springframework.http.server.reactive.SslInfo ssl = exchange.getRequest().getSslInfo();
            return exchange.getRequest().getURI().getScheme() + " " + (ssl == null ? "no-session"
                    : "session " + (ssl.getSessionId() == null || ssl.getSessionId().isEmpty() ? "without id" : "with id"));
        }

        @GetMapping("/thread")
        String thread() {
            return Thread.currentThread().getName();
        }

        @GetMapping("/items/{id}")
        Item item(@PathVariable String id, @RequestParam(defaultValue = "1") int quantity) {
            return new Item(id, quantity, "fetched");
        }

        @PostMapping("/items")
        Mono<Item> create(@RequestBody Mono<Item> item) {
            return item.map(i -> new Item(i.id().toUpperCase(), i.quantity() * 2, "created"));
        }

        @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<ServerSentEvent<String>> events(@RequestParam(defaultValue = "3") int count,
                @RequestParam(defaultValue = "20") long everyMs) {
            return Flux.interval(Duration.ofMillis(everyMs)).take(count)
                    .map(i -> ServerSentEvent.builder("tick " + i).id(Long.toString(i)).event("tick").build());
        }

        /** Digest and length of the uploaded body, read as it streams (buffers released as they go). */
        @PostMapping("/upload")
        Mono<Map<String, Object>> upload(ServerWebExchange exchange) {
            MessageDigest sha = sha256();
            long[] length = new long[1];
            return exchange.getRequest().getBody().doOnNext(b -> {
                length[0] += b.readableByteCount();
                try (DataBuffer.ByteBufferIterator it = b.readableByteBuffers()) {
                    while (it.hasNext()) {
                        sha.update(it.next());
                    }
                }
                DataBufferUtils.release(b);
            }).then(Mono.fromSupplier(() -> Map.of("length", length[0], "sha256", HexFormat.of().formatHex(sha.digest()))));
        }

        /** {@code size} bytes of a deterministic pattern, in 64 KiB buffers from the response's factory. */
        @GetMapping(path = "/download", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        Flux<DataBuffer> download(@RequestParam long size, ServerWebExchange exchange) {
            DataBufferFactory factory = exchange.getResponse().bufferFactory();
            int chunk = 64 * 1024;
            return Flux.generate(() -> 0L, (sent, sink) -> {
                if (sent >= size) {
                    sink.complete();
                    return sent;
                }
                int n = (int) Math.min(chunk, size - sent);
                DataBuffer b = factory.allocateBuffer(n);
                byte[] bytes = new byte[n];
                for (int i = 0; i < n; i++) {
                    bytes[i] = pattern(sent + i);
                }
                b.write(bytes);
                sink.next(b);
                return sent + n;
            });
        }

        @GetMapping("/slow")
        Mono<String> slow(@RequestParam(defaultValue = "1000") long ms) {
            return Mono.delay(Duration.ofMillis(ms)).thenReturn("slow done");
        }
    }

    /** Byte {@code i} of the download pattern. */
    public static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    /** A fresh SHA-256. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
