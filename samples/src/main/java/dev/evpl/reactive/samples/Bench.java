package dev.evpl.reactive.samples;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.bind.StreamTransport;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.framing.Framing;
import dev.evpl.reactive.core.framing.SegmentFunction;
import dev.evpl.reactive.core.tls.TlsConfig;
import dev.evpl.reactive.core.tls.TlsTransport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code bench --protocol NAME --mode pingpong|stream --conns C --inflight Q --size S --seconds T
 * [--framing length32] [--connect H:P] [--warmup W]}: a flowbench-style load client and, unless
 * {@code --connect} names a running server, an echo server in the same process (each on its own
 * loop). Prints a progress line a second and a final {@code RESULT} line in the load generator's
 * format: ops/s, Gbit/s (payload received back), latency p50/p99/max (HdrHistogram, pingpong).
 * With {@code --framing length32}, messages are {@code S} bytes including a 4-byte length prefix and
 * the in-process server answers each message with its own send.
 *
 * <p>{@code --protocol STREAM_SOCKET_TLS} runs TLS over {@code --tls-over} (default
 * {@code STREAM_SOCKET_TCP}): the in-process server serves {@code --cert}/{@code --key} (or a
 * throw-away certificate the client trusts); against {@code --connect}, the client trusts
 * {@code --cacert} or, with {@code --insecure}, anything. {@code --engine jdk|conscrypt} picks the
 * TLS engine of both sides. Handshakes happen before the warm-up.
 */
final class Bench {
    private Bench() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        Protocol protocol = Protocol.lookup(args.get("protocol", "STREAM_SOCKET_TCP"));
        String mode = args.get("mode", "pingpong");
        int conns = args.getInt("conns", 16);
        int inflight = args.getInt("inflight", 16);
        int size = args.getInt("size", mode.equals("stream") ? 128 * 1024 : 64);
        int seconds = args.getInt("seconds", 5);
        int warmup = args.getInt("warmup", 2);
        boolean framed = args.get("framing", "none").equals("length32");
        if (!mode.equals("pingpong") && !mode.equals("stream")) {
            throw new IllegalArgumentException("--mode must be pingpong or stream, got '" + mode + "'");
        }
        if (framed && size < 5) {
            throw new IllegalArgumentException("--size must be >= 5 with --framing length32 (4-byte prefix), got " + size);
        }
        try (EventLoopGroup clientLoops = EventLoopGroup.create(GroupConfig.builder().threads(1).threadNamePrefix("bench-client").build());
             EventLoopGroup serverLoops = EventLoopGroup.create(GroupConfig.builder().threads(1).threadNamePrefix("bench-server").build())) {
            boolean tls = StreamTransport.of(protocol) instanceof TlsTransport; // by transport, not by name
            Protocol inner = tls ? Protocol.lookup(args.get("tls-over", "STREAM_SOCKET_TCP")) : protocol;
            StreamTransport clientTransport = StreamTransport.of(inner);
            StreamTransport serverTransport = clientTransport;
            if (tls) {
                TlsConfig.Builder client = TlsConfig.client();
                if (args.has("connect")) {
                    if (args.has("insecure")) {
                        client.insecureTrustAll();
                    } else if (args.has("cacert")) {
                        client.trustPem(java.nio.file.Path.of(args.get("cacert", "")));
                    }
                } else {
                    java.nio.file.Path[] pair = ServerCertificate.files(args);
                    serverTransport = TlsTransport.server(inner,
                            ServerCertificate.engine(TlsConfig.server(pair[0], pair[1]), args).build());
                    client.trustPem(pair[0]);
                }
                clientTransport = TlsTransport.client(inner, ServerCertificate.engine(client, args).build());
            }
            Endpoint target;
            Listener listener = null;
            if (args.has("connect")) {
                String hp = args.get("connect", "");
                int colon = hp.lastIndexOf(':');
                target = inner.endpointKind() == Endpoint.Kind.UNIX ? Endpoint.unix(hp)
                        : Endpoint.inet(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
            } else {
                Endpoint local = inner.endpointKind() == Endpoint.Kind.UNIX
                        ? Endpoint.unix(Files.createTempDirectory("evpl-bench").resolve("s").toString())
                        : Endpoint.inet("127.0.0.1", 0);
                listener = Listener.listen(serverTransport, local);
                listener.attach(serverLoops.loop(0), bind -> {
                    if (framed) {
                        bind.send(Framing.receive(bind, SegmentFunction.length32(16 << 20)))
                                .subscribe(null, e -> bind.close(), bind::close);
                    } else {
                        bind.send(bind.receive()).subscribe(null, e -> bind.close(), bind::close);
                    }
                });
                // TLS verifies the certificate's name: the throw-away one names localhost
                target = local.isUnix() ? local : Endpoint.inet(tls ? "localhost" : "127.0.0.1", listener.port());
            }
            EventLoop loop = clientLoops.loop(0);
            Stats stats = new Stats();
            List<Conn> all = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                Bind bind = Bind.connect(loop, clientTransport, target).block(Duration.ofSeconds(10));
                Conn c = new Conn(bind, size, framed, stats);
                all.add(c);
                Mono.fromRunnable(() -> c.start(mode, inflight)).subscribeOn(loop).block(Duration.ofSeconds(10));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            Mono.fromRunnable(stats::reset).subscribeOn(loop).block();
            long start = System.nanoTime();
            long lastOps = 0;
            long lastBytes = 0;
            for (int s = 1; s <= seconds; s++) {
                Thread.sleep(1000);
                long ops = stats.ops.get();
                long bytes = stats.bytes.get();
                out.printf("progress t=%ds ops/s=%d gbps=%.3f%n", s, ops - lastOps, (bytes - lastBytes) * 8 / 1e9);
                lastOps = ops;
                lastBytes = bytes;
            }
            double secs = (System.nanoTime() - start) / 1e9;
            Histogram h = Mono.fromCallable(stats.latency::copy).subscribeOn(loop).block();
            long ops = stats.ops.get();
            long bytes = stats.bytes.get();
            // Errors of the measured run: closing below fails the sends still queued ("bind closed"),
            // which is the bench stopping, not a fault.
            long errors = stats.errors.get();
            for (Conn c : all) {
                c.bind.close();
            }
            if (listener != null) {
                listener.dispose();
            }
            out.printf("RESULT mode=%s protocol=%s conns=%d inflight=%d size=%d framing=%s secs=%.3f rps=%d gbps=%.4f "
                            + "p50_us=%.1f p99_us=%.1f max_us=%.1f errors=%d%n",
                    mode, protocol, conns, inflight, size, framed ? "length32" : "none", secs, (long) (ops / secs),
                    bytes * 8 / secs / 1e9, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0, errors);
            return errors == 0 ? 0 : 1;
        }
    }

    /** Counters written on the client loop, read by the main thread. */
    static final class Stats {
        final AtomicLong ops = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);

        void reset() {
            ops.set(0);
            bytes.set(0);
            latency.reset();
        }
    }

    /** One client connection, confined to the client loop. */
    static final class Conn {
        final Bind bind;
        final int size;
        final boolean framed;
        final Stats stats;
        final Sinks.Many<Segment> outbound = Sinks.many().unicast().onBackpressureBuffer();
        long[] sentAt = new long[64];
        int head;
        int tail;
        long pendingBytes;
        byte[] template;

        Conn(Bind bind, int size, boolean framed, Stats stats) {
            this.bind = bind;
            this.size = size;
            this.framed = framed;
            this.stats = stats;
            this.template = new byte[size];
            for (int i = 0; i < size; i++) {
                template[i] = (byte) i;
            }
            if (framed) {
                java.nio.ByteBuffer.wrap(template).putInt(size - 4);
            }
        }

        void start(String mode, int inflight) {
            bind.send(outbound.asFlux()).subscribe(null, e -> stats.errors.incrementAndGet());
            if (mode.equals("stream")) {
                Flux<Segment> in = bind.receive();
                in.subscribe(s -> {
                    stats.bytes.addAndGet(s.readableBytes());
                    s.release();
                }, e -> stats.errors.incrementAndGet());
                bind.send(Flux.<Segment>generate(sink -> sink.next(bind.loop().allocator().copyOf(template)))
                        .subscribeOn(bind.loop())).subscribe(null, e -> { });
                return;
            }
            Flux<Segment> in = framed ? Framing.receive(bind, SegmentFunction.length32(16 << 20)) : bind.receive();
            in.subscribe(this::received, e -> stats.errors.incrementAndGet());
            for (int i = 0; i < inflight; i++) {
                sendOne();
            }
        }

        private void sendOne() {
            if (tail - head == sentAt.length) {
                long[] grown = new long[sentAt.length * 2];
                for (int i = head; i < tail; i++) {
                    grown[i & (grown.length - 1)] = sentAt[i & (sentAt.length - 1)];
                }
                sentAt = grown;
            }
            sentAt[tail++ & (sentAt.length - 1)] = System.nanoTime();
            outbound.tryEmitNext(bind.loop().allocator().copyOf(template));
        }

        private void received(Segment s) {
            int n = s.readableBytes();
            s.release();
            stats.bytes.addAndGet(n);
            pendingBytes += n;
            while (pendingBytes >= size && head < tail) {
                pendingBytes -= size;
                long rtt = System.nanoTime() - sentAt[head++ & (sentAt.length - 1)];
                stats.latency.recordValue(Math.min(rtt, stats.latency.getHighestTrackableValue()));
                stats.ops.incrementAndGet();
                sendOne();
            }
        }
    }
}
