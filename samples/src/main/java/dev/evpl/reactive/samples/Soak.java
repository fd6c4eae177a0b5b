package dev.evpl.reactive.samples;

import dev.evpl.reactive.block.BlockDevice;
import dev.evpl.reactive.block.BlockOptions;
import dev.evpl.reactive.block.BlockProtocol;
import dev.evpl.reactive.block.BlockQueue;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.LeakDetector;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.http.DisposableHttpServer;
import dev.evpl.reactive.http.HttpClient;
import dev.evpl.reactive.http.HttpServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code soak --minutes M}: mixed load against servers in this process, over real sockets and a
 * real file, with faults at random: content-verified echo on epoll TCP, io_uring TCP and unix; HTTP
 * GET and POST through the pooled client, some cancelled by a short timeout; block reads of random
 * ranges checked against the file; connects closed mid-exchange (resets). Every 30 s one line:
 * operations, unexpected errors, segments outstanding, loop callback errors, RSS. At the end the
 * load stops, everything closes, and the run passes (exit 0) only if no segment is outstanding, no
 * loop reported an error or stopped answering, and no operation failed unexpectedly.
 *
 * <p>Run with {@code -Devpl.leakDetection=paranoid} (the command sets it when absent) so every
 * segment is tracked.
 */
final class Soak {
    private static final Duration T = Duration.ofSeconds(30);
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private volatile String firstUnexpected;
    private volatile boolean running = true;

    private Soak() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        if (System.getProperty("evpl.leakDetection") == null) {
            System.setProperty("evpl.leakDetection", "paranoid"); // before the first segment exists
        }
        return new Soak().soak(new Args(argv), out);
    }

    private void failed(Throwable e) {
        unexpected.incrementAndGet();
        if (firstUnexpected == null) {
            firstUnexpected = e.toString();
        }
    }

    private int soak(Args args, PrintStream out) throws Exception {
        double minutes = Double.parseDouble(args.get("minutes", "10"));
        int workers = args.getInt("workers", 8);
        out.println("soak: " + minutes + " min, " + workers + " workers per kind, leak detection " + LeakDetector.level());
        EventLoopGroup servers = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        EventLoopGroup clients = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        Path dir = Files.createTempDirectory("evpl-soak");
        List<Listener> listeners = new ArrayList<>();
        List<Endpoint> echoes = new ArrayList<>();
        List<Protocol> echoProtocols = new ArrayList<>();
        for (Protocol p : List.of(Protocol.STREAM_SOCKET_TCP, Protocol.STREAM_IO_URING_TCP, Protocol.STREAM_SOCKET_UNIX)) {
            if (!p.isAvailable()) {
                out.println("  " + p + " unavailable here, skipped: " + p.unavailableReason());
                continue;
            }
            Endpoint at = p.isLocal() ? Endpoint.unix(dir.resolve("echo.sock").toString()) : Endpoint.inet("127.0.0.1", 0);
            Listener l = Listener.listen(p, at);
            l.attach(servers.loop(0), b -> b.send(b.receive()).subscribe(done -> b.close(), e -> b.close()));
            listeners.add(l);
            echoes.add(p.isLocal() ? at : Endpoint.inet("127.0.0.1", l.port()));
            echoProtocols.add(p);
        }
        DisposableHttpServer http = HttpServer.create().host("127.0.0.1").port(0).runOn(servers)
                .route(r -> r.get("/hello", (req, res) -> res.sendString("hello"))
                        .post("/echo", (req, res) -> res.send(req.receive()))
                        .get("/slow", (req, res) -> Mono.delay(Duration.ofMillis(20)).then(res.sendString("late"))))
                .bindNow();
        HttpClient client = HttpClient.create().runOn(clients).maxConnections(16);
        String base = "http://127.0.0.1:" + http.port();
        Path file = dir.resolve("data");
        byte[] content = new byte[8 << 20];
        new Random(1).nextBytes(content);
        Files.write(file, content);
        BlockProtocol bp = BlockProtocol.IO_URING.isAvailable() ? BlockProtocol.IO_URING : BlockProtocol.THREAD_POOL;
        BlockDevice device = BlockDevice.open(bp, file, BlockOptions.defaults().queueDepth(32));
        BlockQueue queue = device.queue(clients.loop(0));

        List<Thread> threads = new ArrayList<>();
        List<String> kinds = List.of(args.get("kinds", "echo,http,block").split(","));
        for (int w = 0; w < workers; w++) {
            long seed = w;
            if (kinds.contains("echo")) {
                threads.add(start("echo-" + w, () -> echoLoop(clients.loop(0), echoProtocols, echoes, new Random(seed))));
            }
            if (kinds.contains("http")) {
                threads.add(start("http-" + w, () -> httpLoop(client, base, new Random(seed + 100))));
            }
            if (kinds.contains("block")) {
                threads.add(start("block-" + w, () -> blockLoop(queue, content, new Random(seed + 200))));
            }
        }
        long start = System.nanoTime();
        long end = start + (long) (minutes * 60e9);
        long firstRss = -1;
        long maxRss = 0;
        while (System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long rss = rssKb();
            if (System.nanoTime() - start > 60e9 && firstRss < 0) {
                firstRss = rss; // after a minute of warm-up: the heap and the pool have grown to their working size
            }
            maxRss = Math.max(maxRss, firstRss < 0 ? 0 : rss);
            out.printf("  t=%4ds ops=%d faults=%d unexpected=%d outstanding=%d callbackErrors=%d rss=%d KiB%n",
                    (System.nanoTime() - start) / 1_000_000_000, ops.get(), faults.get(), unexpected.get(),
                    LeakDetector.outstandingCount(), callbackErrors(servers, clients), rss);
            out.flush();
        }
        running = false;
        for (Thread t : threads) {
            t.join(60_000);
        }
        boolean alive = alive(servers) && alive(clients);
        long loopErrors = callbackErrors(servers, clients);
        client.dispose();
        http.disposeNow(T);
        listeners.forEach(Listener::dispose);
        device.close();
        servers.close();
        clients.close();
        for (int i = 0; i < 500 && LeakDetector.outstandingCount() > 0; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        int leaks = LeakDetector.outstandingCount();
        out.printf("soak done: ops=%d faults=%d unexpected=%d leaked segments=%d loop callback errors=%d loops answered=%s "
                + "rss after warm-up %d KiB, max %d KiB (%+.1f%%)%n", ops.get(), faults.get(), unexpected.get(), leaks, loopErrors, alive,
                firstRss, maxRss, firstRss > 0 ? 100.0 * (maxRss - firstRss) / firstRss : 0.0);
        if (leaks > 0) {
            out.println("first leak: " + LeakDetector.outstanding().get(0));
        }
        if (firstUnexpected != null) {
            out.println("first unexpected error: " + firstUnexpected);
        }
        boolean ok = leaks == 0 && unexpected.get() == 0 && loopErrors == 0 && alive;
        out.println(ok ? "SOAK PASSED" : "SOAK FAILED");
        return ok ? 0 : 1;
    }

    private Thread start(String name, Runnable body) {
        Thread t = new Thread(() -> {
            while (running) {
                try {
                    body.run();
                } catch (Throwable e) {
                    failed(e);
                }
            }
        }, "soak-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One connection: a few content-checked round trips, then a clean close or, one time in five, an abrupt one mid-exchange. */
    private void echoLoop(EventLoop loop, List<Protocol> protocols, List<Endpoint> endpoints, Random random) {
        int which = random.nextInt(protocols.size());
        Bind bind = Bind.connect(loop, protocols.get(which), endpoints.get(which)).block(T);
        boolean reset = random.nextInt(5) == 0;
        int rounds = 1 + random.nextInt(20);
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        // one receive for the connection: the echo is read while it is sent
        // limitRate queues ahead: on cancel its queue goes to the discard hook, which must release
        reactor.core.Disposable reading = bind.receive().limitRate(8).doOnDiscard(Segment.class, Segment::release).subscribe(seg -> {
            synchronized (received) {
                received.writeBytes(seg.toByteArray());
            }
            seg.release();
        }, e -> { });
        try {
            for (int i = 0; i < rounds; i++) {
                byte[] msg = new byte[1 + random.nextInt(random.nextInt(10) == 0 ? 256 << 10 : 2048)];
                random.nextBytes(msg);
                if (reset && i == rounds / 2) {
                    bind.send(msg).subscribe(c -> { }, e -> { });
                    bind.close(); // mid-exchange: whatever was in flight is dropped, nothing may leak
                    faults.incrementAndGet();
                    return;
                }
                bind.send(msg).block(T);
                sent.writeBytes(msg);
                ops.incrementAndGet();
            }
            long deadline = System.nanoTime() + T.toNanos();
            while (size(received) < sent.size() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            byte[] back;
            synchronized (received) {
                back = received.toByteArray();
            }
            if (!Arrays.equals(sent.toByteArray(), back)) {
                throw new IllegalStateException("echo over " + protocols.get(which) + " returned " + back.length
                        + " bytes for " + sent.size() + " sent, or other bytes");
            }
        } finally {
            bind.close();
            reading.dispose();
        }
    }

    private static int size(java.io.ByteArrayOutputStream b) {
        synchronized (b) {
            return b.size();
        }
    }

    private static Mono<byte[]> bytes(dev.evpl.reactive.http.HttpClientResponse r) {
        return r.body().collect(java.io.ByteArrayOutputStream::new, (o, seg) -> {
            o.writeBytes(seg.toByteArray());
            seg.release();
        }).map(java.io.ByteArrayOutputStream::toByteArray);
    }

    private void httpLoop(HttpClient client, String base, Random random) {
        switch (random.nextInt(4)) {
            case 0 -> {
                String body = client.get(base + "/hello").flatMap(r -> r.bodyAsString()).block(T);
                if (!"hello".equals(body)) {
                    throw new IllegalStateException("GET /hello returned " + body);
                }
            }
            case 1 -> {
                byte[] payload = new byte[random.nextInt(200_000)];
                random.nextBytes(payload);
                byte[] got = client.request("POST", base + "/echo", h -> { }, payload).flatMap(Soak::bytes).block(T);
                if (!Arrays.equals(payload, got)) {
                    throw new IllegalStateException("POST /echo returned other bytes");
                }
            }
            default -> {
                // cancelled while the server is still answering: the pooled connection must come back
                try {
                    client.get(base + "/slow").flatMap(r -> r.bodyAsString()).timeout(Duration.ofMillis(random.nextInt(30))).block(T);
                } catch (RuntimeException e) {
                    if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                        throw e;
                    }
                    faults.incrementAndGet();
                    return;
                }
            }
        }
        ops.incrementAndGet();
    }

    private void blockLoop(BlockQueue queue, byte[] content, Random random) {
        int length = 1 + random.nextInt(64 << 10);
        int offset = random.nextInt(content.length - length);
        Mono<Segment> read = queue.read(offset, length);
        if (random.nextInt(10) == 0) {
            // cancelled at a random moment: the segment is released whichever way the race goes
            read.subscribe(Segment::release).dispose();
            faults.incrementAndGet();
            return;
        }
        Segment s = read.block(T);
        try {
            byte[] got = s.toByteArray();
            if (!Arrays.equals(got, Arrays.copyOfRange(content, offset, offset + length))) {
                throw new IllegalStateException("block read at " + offset + " returned other bytes");
            }
        } finally {
            s.release();
        }
        ops.incrementAndGet();
    }

    private static long callbackErrors(EventLoopGroup... groups) {
        long n = 0;
        for (EventLoopGroup g : groups) {
            for (EventLoop l : g.loops()) {
                n += l.callbackErrors();
            }
        }
        return n;
    }

    private static boolean alive(EventLoopGroup group) {
        return Flux.fromIterable(group.loops())
                .flatMap(l -> Mono.fromCallable(() -> true).subscribeOn(l).timeout(Duration.ofSeconds(5)).onErrorReturn(false))
                .all(b -> b).block(T);
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
