package dev.evpl.reactive.samples;

import dev.evpl.reactive.block.BlockDevice;
import dev.evpl.reactive.block.BlockIoException;
import dev.evpl.reactive.block.BlockOptions;
import dev.evpl.reactive.block.BlockProtocol;
import dev.evpl.reactive.http.DisposableHttpServer;
import dev.evpl.reactive.http.HttpServer;
import dev.evpl.reactive.http.HttpServerRequest;
import dev.evpl.reactive.http.HttpServerResponse;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code file-serve --port P --dir D [--host H] [--threads N] [--protocol IO_URING|THREAD_POOL]}: serves
 * the regular files of {@code D} over HTTP ({@code GET /name}), each streamed from block reads on the
 * connection's own loop straight into the socket: the segments the disk filled are the segments
 * sent, with Content-Length, no copy, and the client's reading pace sets how far ahead the disk
 * reads (demand). Names with {@code /} or starting with {@code .} are refused (400); missing
 * files get 404. Prints {@code LISTENING http <address>}.
 */
final class FileServe {
    private FileServe() {
    }

    static int run(String[] argv, PrintStream out) throws InterruptedException {
        Args args = new Args(argv);
        Path dir = Path.of(args.get("dir", "."));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--dir must be a directory, got '" + dir + "'");
        }
        BlockProtocol protocol = BlockProtocol.lookup(args.get("protocol", BlockProtocol.preferred().name()));
        DisposableHttpServer server = HttpServer.create()
                .host(args.get("host", "127.0.0.1"))
                .port(args.getInt("port", 8080))
                .threads(args.getInt("threads", 1))
                .route(r -> r.get("/{name}", (req, res) -> serve(dir, protocol, req, res)))
                .bindNow();
        out.println("LISTENING http " + server.address());
        out.flush();
        new CountDownLatch(1).await(); // until killed
        return 0;
    }

    static Publisher<Void> serve(Path dir, BlockProtocol protocol, HttpServerRequest req, HttpServerResponse res) {
        String name = req.param("name");
        if (name.startsWith(".") || name.contains("%") || name.contains("\\")) {
            return res.status(400).sendString("file names may not start with '.' or contain '%' or '\\'\n");
        }
        Path file = dir.resolve(name);
        // Opening is a blocking system call: off the loop; the reads then run on the loop.
        return Mono.fromCallable(() -> Files.isRegularFile(file) ? BlockDevice.open(protocol, file, BlockOptions.defaults()) : null)
                .subscribeOn(Schedulers.boundedElastic())
                .publishOn(req.loop())
                .flatMap(dev -> {
                    long size = dev.size();
                    res.header("Content-Type", "application/octet-stream").header("Content-Length", Long.toString(size));
                    return res.send(dev.queue(req.loop()).readStream(0, size, 256 * 1024))
                            .doFinally(s -> Schedulers.boundedElastic().schedule(dev::close));
                })
                .switchIfEmpty(Mono.defer(() -> res.status(404).sendString("no file " + name + "\n")))
                .onErrorResume(BlockIoException.class, e -> res.isCommitted() ? Mono.error(e)
                        : res.status(500).sendString(e.getMessage() + "\n"));
    }
}
