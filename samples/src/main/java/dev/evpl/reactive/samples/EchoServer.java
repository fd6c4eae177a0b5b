package dev.evpl.reactive.samples;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.IoHandlerType;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.DatagramBind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.framing.Framing;
import dev.evpl.reactive.core.framing.SegmentFunction;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code echo-server --protocol NAME --host H --port P [--threads N] [--path P] [--framing length32] [--epoll-wait] [--spin-us N] [--spin-min-us N] [--spin-core-share F]
 * [--cert C.pem --key K.pem] [--engine jdk|conscrypt] [--tls-over NAME]}:
 * echoes every byte (stream) or datagram (UDP) back, zero-copy (the received segments are sent as
 * they are), until killed. {@code --protocol STREAM_SOCKET_TLS} serves TLS over {@code --tls-over}
 * (default {@code STREAM_SOCKET_TCP}; an inet stream transport such as {@code STREAM_IO_URING_TCP}).
 * With {@code --framing length32} it frames by a 4-byte big-endian length prefix and answers each
 * message separately (the per-message path): every framed message is delivered on its own and
 * queued as its own send entry (counted in {@code Completion.messages()}); the bind's send demand
 * (its high-water mark) paces the framing, so nothing buffers without bound. Prints {@code LISTENING <protocol> <address>}
 * once it accepts.
 */
final class EchoServer {
    private EchoServer() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        Protocol protocol = Protocol.lookup(args.get("protocol", "STREAM_SOCKET_TCP"));
        Endpoint endpoint = protocol.endpointKind() == Endpoint.Kind.UNIX
                ? Endpoint.unix(args.get("path", "/tmp/evpl-echo.sock"))
                : Endpoint.inet(args.get("host", "127.0.0.1"), args.getInt("port", 7000));
        int threads = args.getInt("threads", 1);
        String framing = args.get("framing", "none");
        if (!framing.equals("none") && !framing.equals("length32")) {
            throw new IllegalArgumentException("--framing must be none or length32, got '" + framing + "'");
        }
        if (protocol.endpointKind() == Endpoint.Kind.UNIX) {
            new java.io.File(endpoint.path()).delete();
        }
        // --epoll-wait: loops with an io_uring ring still wait in epoll (LoopConfig.ioHandler EPOLL);
        // --spin-us: the loop's spin window (LoopConfig.spin, default 1000 µs; 0 = never spin);
        // --spin-min-us: LoopConfig.spinMin (default 50 µs; = --spin-us keeps the window fixed);
        // --spin-core-share: LoopConfig.spinCoreShare (default 0.75; 0 = spin even on a shared core)
        LoopConfig loopConfig = LoopConfig.builder()
                .ioHandler(args.has("epoll-wait") ? IoHandlerType.EPOLL : IoHandlerType.AUTO)
                .spin(Duration.ofNanos(1000L * args.getInt("spin-us", 1000)))
                .spinMin(Duration.ofNanos(1000L * args.getInt("spin-min-us", 50)))
                .spinCoreShare(Double.parseDouble(args.get("spin-core-share", "0.75")))
                .build();
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(threads)
                .loopConfig(loopConfig).build())) {
            if (!protocol.isStream()) {
                // One datagram socket (UDP has no connections to steer): every datagram back to its sender.
                DatagramBind bind = DatagramBind.open(group.loop(0), protocol, endpoint).block();
                bind.receive().flatMap(bind::send, 1024).subscribe(null, error -> bind.close());
                out.println("LISTENING " + protocol + " " + bind.localAddress());
                out.flush();
                new CountDownLatch(1).await();
                return 0;
            }
            Listener listener;
            if (dev.evpl.reactive.core.bind.StreamTransport.of(protocol) instanceof dev.evpl.reactive.core.tls.TlsTransport) {
                // TLS needs a certificate: --cert/--key or a throw-away one.
                // --tls-over: the stream transport under TLS (default TCP; STREAM_IO_URING_TCP…).
                Protocol inner = Protocol.lookup(args.get("tls-over", "STREAM_SOCKET_TCP"));
                listener = Listener.listen(dev.evpl.reactive.core.tls.TlsTransport.server(inner,
                        ServerCertificate.fromArgs(args).build()), endpoint);
            } else {
                listener = Listener.listen(protocol, endpoint);
            }
            for (EventLoop loop : group.loops()) {
                listener.attach(loop, framing.equals("length32") ? EchoServer::echoMessages : EchoServer::echoBytes);
            }
            out.println("LISTENING " + protocol + " " + listener.localAddress());
            out.flush();
            printLoopStatsOnExit(group, out);
            new CountDownLatch(1).await(); // until killed
            return 0;
        }
    }

    /** On SIGTERM/SIGINT: how each loop spent its time (benchmarks read it; racy reads, good enough). */
    private static void printLoopStatsOnExit(EventLoopGroup group, PrintStream out) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (EventLoop loop : group.loops()) {
                out.printf("STATS %s passes=%d polling_ms=%d sleeping_ms=%d spin_backoffs=%d%n", loop.name(),
                        loop.iterations(), loop.pollNanos() / 1_000_000, loop.sleepNanos() / 1_000_000, loop.spinBackoffs());
            }
            out.flush();
        }, "echo-server-stats"));
    }

    private static void echoBytes(Bind bind) {
        bind.send(bind.receive()).subscribe(done -> bind.close(), error -> bind.close());
    }

    private static void echoMessages(Bind bind) {
        bind.send(Framing.receive(bind, SegmentFunction.length32(16 << 20)))
                .subscribe(done -> bind.close(), error -> bind.close());
    }
}
