package dev.evpl.reactive.samples;

import dev.evpl.reactive.block.BlockDevice;
import dev.evpl.reactive.block.BlockOptions;
import dev.evpl.reactive.block.BlockProtocol;
import dev.evpl.reactive.block.BlockQueue;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;

/**
 * {@code block-bench --file PATH --size 1g --bs 4k --qd 32 --pattern randread|seqread|randwrite|seqwrite
 * --seconds T [--direct] [--protocol IO_URING|THREAD_POOL|FILECHANNEL|FILECHANNEL_ELASTIC] [--spin-ms N] [--epoll-wait] [--sqpoll-ms N] [--submit each|batched]
 * [--warmup S]}: keeps {@code qd} operations of {@code bs} bytes in flight on one event loop (the
 * JDK baselines, {@link FileChannelBaselines}: FILECHANNEL, {@code qd} threads doing blocking
 * {@code FileChannel} positional I/O; FILECHANNEL_ELASTIC, the same calls on Reactor's
 * {@code boundedElastic} scheduler, as a Reactor application does file I/O), after {@code --warmup S} seconds not counted
 * (default 2), prints a progress line a second and a final
 * {@code RESULT iops=… mbps=… p50_us=… p99_us=…}. A file shorter than {@code size} is first filled
 * with data (not a sparse hole: reading holes measures nothing). {@code --spin-ms} sets the loop's
 * spin window (default 1 ms: it polls the completion queue that long after the last completion);
 * {@code --epoll-wait} makes the loop wait in epoll instead of its ring ({@code LoopConfig.ioHandler} EPOLL
 * off); {@code --sqpoll-ms N} gives the ring an SQPOLL thread that sleeps after N idle ms.
 */
final class BlockBench {
    private BlockBench() {
    }

    static long parseSize(String name, String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        long mult = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            mult = last == 'k' ? 1024 : last == 'm' ? 1024 * 1024 : 1024L * 1024 * 1024;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s) * mult;
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a size like 4k, 1m or 1g, got '" + v + "'");
        }
    }


    static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        // --spin-ms: how long the loop keeps polling completions after the last one
        dev.evpl.reactive.core.LoopConfig loopConfig = dev.evpl.reactive.core.LoopConfig.builder()
                .spin(java.time.Duration.ofMillis(args.getInt("spin-ms", 1)))
                .ioHandler(args.has("epoll-wait") ? dev.evpl.reactive.core.IoHandlerType.EPOLL
                        : dev.evpl.reactive.core.IoHandlerType.AUTO)
                .uring(dev.evpl.reactive.core.UringConfig.builder()
                        .sqPollIdle(java.time.Duration.ofMillis(args.getInt("sqpoll-ms", 0))).build()).build();
        String fileArg = args.get("file", null);
        if (fileArg == null) {
            throw new IllegalArgumentException("--file is required");
        }
        Path file = Path.of(fileArg);
        long size = parseSize("size", args.get("size", "1g"));
        int bs = (int) parseSize("bs", args.get("bs", "4k"));
        if (bs > BlockDevice.MAX_REQUEST) {
            throw new IllegalArgumentException("--bs must be at most " + BlockDevice.MAX_REQUEST + ", got " + bs);
        }
        int qd = args.getInt("qd", 32);
        String pattern = args.get("pattern", "randread");
        if (!pattern.matches("randread|seqread|randwrite|seqwrite")) {
            throw new IllegalArgumentException("--pattern must be randread, seqread, randwrite or seqwrite, got '" + pattern + "'");
        }
        int seconds = args.getInt("seconds", 10);
        // --warmup: seconds run first and not counted (the JIT compiles the hot path meanwhile;
        // on a pinned CPU it competes with the loop, so the first second is slow)
        int warmup = args.getInt("warmup", 2);
        boolean direct = args.has("direct");
        String submit = args.get("submit", direct ? "each" : "batched");
        if (!submit.equals("each") && !submit.equals("batched")) {
            throw new IllegalArgumentException("--submit must be each or batched, got '" + submit + "'");
        }
        boolean submitEach = submit.equals("each");
        String engine = args.get("protocol", BlockProtocol.preferred().name()).toUpperCase(java.util.Locale.ROOT);
        prefill(file, size, out);
        long blocks = size / bs;
        boolean random = pattern.startsWith("rand");
        boolean write = pattern.endsWith("write");
        Recorder latency = new Recorder(3);
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + seconds);
        Runnable stop;
        FileChannelBaselines.Run fc = new FileChannelBaselines.Run(file, direct, write, random, blocks, bs, qd, deadline, latency, done);
        if (engine.equals("FILECHANNEL")) {
            stop = FileChannelBaselines.threads(fc);
        } else if (engine.equals("FILECHANNEL_ELASTIC")) {
            stop = FileChannelBaselines.elastic(fc);
        } else {
            stop = evpl(loopConfig, BlockProtocol.lookup(engine), file, direct, submitEach, write, random, blocks, bs, qd, deadline, latency, done);
        }
        Histogram total = new Histogram(3);
        long base = 0;
        if (warmup > 0) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            latency.getIntervalHistogram(); // discarded
            base = done.get();
            out.printf("warm-up: %d operations in %d s, not counted%n", base, warmup);
        }
        long start = System.nanoTime();
        long last = base;
        for (int s = 1; System.nanoTime() < deadline; s++) {
            Thread.sleep(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            long now = done.get();
            Histogram h = latency.getIntervalHistogram();
            total.add(h);
            out.printf("[%2ds] iops=%d p50_us=%.1f p99_us=%.1f%n", s, now - last, h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0);
            last = now;
        }
        stop.run();
        double secs = (System.nanoTime() - start) / 1e9;
        total.add(latency.getIntervalHistogram());
        long ops = done.get() - base;
        out.printf("RESULT engine=%s pattern=%s bs=%d qd=%d direct=%s iops=%.0f mbps=%.1f p50_us=%.1f p99_us=%.1f%n", engine, pattern,
                bs, qd, direct, ops / secs, ops * (double) bs / secs / (1 << 20), total.getValueAtPercentile(50) / 1000.0,
                total.getValueAtPercentile(99) / 1000.0);
        return 0;
    }

    private static void prefill(Path file, long size, PrintStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long have = ch.size();
            if (have >= size) {
                return;
            }
            out.printf("filling %s to %d bytes…%n", file, size);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            SplittableRandom r = new SplittableRandom(1);
            while (buf.hasRemaining()) {
                buf.putLong(r.nextLong());
            }
            for (long at = have; at < size; at += buf.capacity()) {
                buf.clear().limit((int) Math.min(buf.capacity(), size - at));
                while (buf.hasRemaining()) {
                    ch.write(buf, at + buf.position());
                }
            }
            ch.force(false);
        }
    }

    private static Runnable evpl(dev.evpl.reactive.core.LoopConfig loopConfig, BlockProtocol protocol, Path file, boolean direct, boolean submitEach, boolean write, boolean random, long blocks,
                                 int bs, int qd, long deadline, Recorder latency, AtomicLong done) throws InterruptedException {
        EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1)
                .loopConfig(loopConfig).build());
        BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().direct(direct).submitEach(submitEach).queueDepth(qd));
        EventLoop loop = group.loop(0);
        CountDownLatch finished = new CountDownLatch(qd);
        Mono.fromRunnable(() -> {
            BlockQueue q = dev.queue(loop);
            SplittableRandom r = new SplittableRandom(42);
            long[] sequential = {0};
            for (int i = 0; i < qd; i++) {
                new Object() {
                    // One operation in flight per chain: its start time and callbacks are fields, so
                    // the benchmark itself allocates nothing per operation.
                    long t0;
                    final BlockQueue.WriteDone written = (n, e) -> completed(e);
                    final BlockQueue.ReadDone read = (s, e) -> {
                        if (s != null) {
                            s.release();
                        }
                        completed(e);
                    };

                    void next() {
                        if (System.nanoTime() >= deadline) {
                            finished.countDown();
                            return;
                        }
                        long block = random ? r.nextLong(blocks) : sequential[0]++ % blocks;
                        t0 = System.nanoTime();
                        if (write) {
                            q.write(block * bs, loop.allocator().allocate(bs), written);
                        } else {
                            q.read(block * bs, bs, read);
                        }
                    }

                    void completed(Throwable e) {
                        if (e != null) {
                            System.err.println("I/O failed: " + e.getMessage());
                            finished.countDown();
                            return;
                        }
                        latency.recordValue(Math.max(1, System.nanoTime() - t0));
                        done.incrementAndGet();
                        next();
                    }
                }.next();
            }
        }).subscribeOn(loop).block();
        return () -> {
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dev.close();
            group.close();
        };
    }
}
