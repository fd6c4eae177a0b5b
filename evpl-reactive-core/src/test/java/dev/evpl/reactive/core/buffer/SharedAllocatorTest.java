package dev.evpl.reactive.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Off-loop allocation: no buffer pinned per thread, and concurrent allocations never overlap. */
class SharedAllocatorTest {

    @Test
    void threadsThatComeAndGoPinNoBufferEach() throws Exception {
        BufferPool pool = new BufferPool(BufferConfig.builder().bufferSize(64 * 1024).slabSize(1 << 20).build());
        SharedAllocator shared = new SharedAllocator(pool);
        for (int i = 0; i < 300; i++) {
            Thread t = new Thread(() -> shared.allocate(100).release());
            t.start();
            t.join();
        }
        // One buffer is the shared allocator's current one; a per-thread allocator would have kept
        // 300 of them (19 MiB here), and forever, since their threads are gone.
        assertThat(pool.inUseBytes()).isLessThanOrEqualTo(64 * 1024);
        shared.close();
        assertThat(pool.inUseBytes()).isZero();
    }

    @Test
    void concurrentAllocationsOfManyThreadsNeverOverlap() throws Exception {
        SharedAllocator shared = new SharedAllocator(BufferPool.global());
        int threads = 8;
        int each = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                List<Segment> live = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    Segment s = shared.allocate(1 + (i % 200));
                    for (int k = 0; k < s.readableBytes(); k++) {
                        s.setByte(k, id);
                    }
                    live.add(s);
                    if (live.size() == 50) {
                        check(live, id, errors);
                    }
                }
                check(live, id, errors);
            });
            th.start();
            all.add(th);
        }
        start.countDown();
        for (Thread th : all) {
            th.join();
        }
        shared.close();
        assertThat(errors).as("bytes another thread wrote into a live segment").isEmpty();
    }

    private static void check(List<Segment> live, int id, ConcurrentLinkedQueue<String> errors) {
        for (Segment s : live) {
            for (int k = 0; k < s.readableBytes(); k++) {
                if (s.getByte(k) != (byte) id) {
                    errors.add("thread " + id + " found " + s.getByte(k));
                    break;
                }
            }
            s.release();
        }
        live.clear();
    }
}
