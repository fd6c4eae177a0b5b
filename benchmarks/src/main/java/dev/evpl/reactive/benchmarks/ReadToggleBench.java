package dev.evpl.reactive.benchmarks;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.Segment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;

/**
 * The netty#15510 case: how much throughput a stream protocol keeps when backpressure switches
 * reading off and on all the time. One connection moves 1 GiB one way; the receiver consumes with
 * {@code limitRate(1)} (one read of credit at a time: reading stops after every segment and resumes
 * on the next request) or with unbounded demand. Prints Gbit/s per protocol and mode, medians of
 * ROUNDS, and the toggling/unbounded ratio.
 * {@code java -cp benchmarks/target/benchmarks.jar dev.evpl.reactive.benchmarks.ReadToggleBench [ROUNDS]}
 */
public final class ReadToggleBench {
    private static final long TOTAL = 1L << 30;

    private ReadToggleBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Protocol> protocols = new ArrayList<>(List.of(Protocol.STREAM_SOCKET_TCP));
        if (Protocol.STREAM_IO_URING_TCP.isAvailable()) {
            protocols.add(Protocol.STREAM_IO_URING_TCP);
        }
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build())) {
            for (Protocol p : protocols) {
                run(group, p, 0); // warm-up
                List<Double> toggling = new ArrayList<>();
                List<Double> unbounded = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    toggling.add(run(group, p, 1));
                    unbounded.add(run(group, p, 0));
                }
                double t = median(toggling);
                double u = median(unbounded);
                System.out.printf("RESULT protocol=%s toggling_gbps=%.2f unbounded_gbps=%.2f ratio=%.3f rounds=%s/%s%n",
                        p.name(), t, u, t / u, toggling, unbounded);
            }
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    /** Seconds → Gbit/s of one 1 GiB transfer; {@code rate} 1 = limitRate(1), 0 = unbounded. */
    private static double run(EventLoopGroup group, Protocol p, int rate) throws Exception {
        EventLoop server = group.loop(1);
        EventLoop client = group.loop(0);
        Listener listener = Listener.listen(p, Endpoint.inet("127.0.0.1", 0));
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        listener.attach(server, bind -> {
            Flux<Segment> in = bind.receive();
            if (rate > 0) {
                in = in.limitRate(rate);
            }
            in.subscribe(s -> {
                if (received.addAndGet(s.readableBytes()) >= TOTAL) {
                    done.countDown();
                }
                s.release();
            });
        });
        Bind bind = Bind.connect(client, p, Endpoint.inet("127.0.0.1", listener.port())).block(Duration.ofSeconds(5));
        long start = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        bind.send(Flux.<Segment>generate(sink -> {
            if (sent.get() >= TOTAL) {
                sink.complete();
                return;
            }
            sent.addAndGet(64 * 1024);
            sink.next(client.allocator().allocate(64 * 1024));
        }).subscribeOn(client)).subscribe();
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(p + " transfer did not finish: " + received.get() + " bytes");
        }
        double secs = (System.nanoTime() - start) / 1e9;
        bind.close();
        listener.dispose();
        return TOTAL * 8 / secs / 1e9;
    }
}
