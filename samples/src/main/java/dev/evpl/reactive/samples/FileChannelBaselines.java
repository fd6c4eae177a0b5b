package dev.evpl.reactive.samples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The JDK baselines of {@code block-bench}: blocking {@code FileChannel} positional reads and
 * writes, {@code qd} of them in flight, each from its own aligned direct buffer. Two ways:
 * {@link #threads} gives every slot a thread of its own (the best a blocking API can do: no
 * hand-off at all), {@link #elastic} runs each operation as a task on Reactor's
 * {@code boundedElastic} scheduler (how a Reactor application does file I/O: a queue, a pool of at
 * most ten threads per core, a hand-off per operation).
 */
final class FileChannelBaselines {
    private FileChannelBaselines() {
    }

    /** One run's parameters and its shared counters. */
    record Run(Path file, boolean direct, boolean write, boolean random, long blocks, int bs, int qd, long deadline,
               Recorder latency, AtomicLong done) {
        FileChannel open() throws IOException {
            return direct
                    ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        ByteBuffer buffer() {
            ByteBuffer buf = ByteBuffer.allocateDirect(bs + 4096).alignedSlice(4096);
            buf.limit(bs);
            return buf;
        }

        /** One operation at the next offset, timed. */
        void once(FileChannel ch, ByteBuffer buf, SplittableRandom r, AtomicLong sequential) throws IOException {
            long block = random ? r.nextLong(blocks) : sequential.getAndIncrement() % blocks;
            long t0 = System.nanoTime();
            buf.clear().limit(bs);
            if (write) {
                ch.write(buf, block * bs);
            } else {
                ch.read(buf, block * bs);
            }
            latency.recordValue(Math.max(1, System.nanoTime() - t0));
            done.incrementAndGet();
        }
    }

    /** {@code qd} threads, each doing one operation after another until the deadline. Returns the stop action. */
    static Runnable threads(Run run) throws IOException {
        FileChannel ch = run.open();
        AtomicLong sequential = new AtomicLong();
        Thread[] threads = new Thread[run.qd()];
        for (int i = 0; i < threads.length; i++) {
            int seed = i;
            threads[i] = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                ByteBuffer buf = run.buffer();
                try {
                    while (System.nanoTime() < run.deadline()) {
                        run.once(ch, buf, r, sequential);
                    }
                } catch (IOException e) {
                    System.err.println("I/O failed: " + e);
                }
            }, "filechannel-" + i);
            threads[i].start();
        }
        return () -> {
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            close(ch);
        };
    }

    /** {@code qd} chains of tasks on {@code boundedElastic}: each completion schedules the chain's next operation. */
    static Runnable elastic(Run run) throws IOException {
        FileChannel ch = run.open();
        AtomicLong sequential = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(run.qd());
        for (int i = 0; i < run.qd(); i++) {
            int seed = i;
            new Object() {
                final SplittableRandom r = new SplittableRandom(seed);
                final ByteBuffer buf = run.buffer();

                void next() {
                    if (System.nanoTime() >= run.deadline()) {
                        finished.countDown();
                        return;
                    }
                    Mono.fromCallable(() -> {
                        run.once(ch, buf, r, sequential);
                        return buf;
                    }).subscribeOn(Schedulers.boundedElastic()).subscribe(b -> next(), e -> {
                        System.err.println("I/O failed: " + e);
                        finished.countDown();
                    });
                }
            }.next();
        }
        return () -> {
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close(ch);
        };
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing after the run
        }
    }
}
