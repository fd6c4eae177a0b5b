package dev.evpl.reactive.samples.spring;

import dev.evpl.reactive.block.BlockDevice;
import dev.evpl.reactive.block.BlockOptions;
import dev.evpl.reactive.block.BlockProtocol;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.spring.web.SegmentDataBufferFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Functional routes: a greeting, and files stored through evpl-reactive-block on the loop that
 * serves the request: {@code PUT /files/{name}} streams the body to disk (no copy from socket to
 * file), {@code GET /files/{name}} streams the file back (block reads sent without a copy).
 */
@Configuration(proxyBeanMethods = false)
class SampleRoutes {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final int CHUNK = 256 * 1024;

    private final Path dir;
    private final BlockProtocol protocol = BlockProtocol.IO_URING.isAvailable() ? BlockProtocol.IO_URING
            : BlockProtocol.THREAD_POOL;

    SampleRoutes(@Value("${sample.upload-dir:}") String dir) throws IOException {
        this.dir = dir.isEmpty() ? Files.createTempDirectory("evpl-spring-app") : Files.createDirectories(Path.of(dir));
    }

    @Bean
    RouterFunction<ServerResponse> sampleRouter() {
        return RouterFunctions.route()
                .GET("/greet/{name}", r -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("greeting", "Hello, " + r.pathVariable("name") + "!")))
                .PUT("/files/{name}", this::store)
                .GET("/files/{name}", this::fetch)
                .build();
    }

    private Mono<ServerResponse> store(ServerRequest request) {
        String name = request.pathVariable("name");
        if (!NAME.matcher(name).matches()) {
            return ServerResponse.badRequest().bodyValue("file names are 1-100 of [A-Za-z0-9._-]\n");
        }
        EventLoop loop = EventLoop.current(); // the request's loop: disk and socket completions share it
        MessageDigest sha = sha256();
        Flux<dev.evpl.reactive.core.buffer.Segment> body = request.bodyToFlux(DataBuffer.class).map(b -> {
            try (DataBuffer.ByteBufferIterator it = b.readableByteBuffers()) {
                while (it.hasNext()) {
                    sha.update(it.next());
                }
            }
            return SegmentDataBufferFactory.INSTANCE.toSegment(b);
        });
        BlockOptions options = BlockOptions.defaults().create(true);
        return Mono.fromCallable(() -> Files.deleteIfExists(dir.resolve(name))) // a new file, not an overwrite in place
                .subscribeOn(Schedulers.boundedElastic())
                .then(open(name, options))
                .flatMap(device -> device.queue(loop).writeStream(body, 0)
                        .doFinally(s -> device.close()))
                .flatMap(done -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of(
                        "name", name, "bytes", done.bytes(), "sha256", HexFormat.of().formatHex(sha.digest()))));
    }

    private Mono<ServerResponse> fetch(ServerRequest request) {
        String name = request.pathVariable("name");
        if (!NAME.matcher(name).matches() || !Files.isRegularFile(dir.resolve(name))) {
            return ServerResponse.notFound().build();
        }
        EventLoop loop = EventLoop.current();
        return open(name, BlockOptions.defaults().readOnly(true)).flatMap(device -> {
            Flux<DataBuffer> content = device.queue(loop).readStream(0, device.size(), CHUNK)
                    .map(s -> (DataBuffer) SegmentDataBufferFactory.INSTANCE.wrap(s))
                    .doFinally(s -> device.close());
            return ServerResponse.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .contentLength(device.size())
                    .body(content, DataBuffer.class);
        });
    }

    /** Opening a file is a blocking system call: done off the loop. */
    private Mono<BlockDevice> open(String name, BlockOptions options) {
        return Mono.fromCallable(() -> BlockDevice.open(protocol, dir.resolve(name), options))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
