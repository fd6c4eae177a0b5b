package dev.evpl.reactive.core.framing;

import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterMethod;
import reactor.core.publisher.Flux;

/**
 * The Reactive Streams TCK against the framing operator ({@link FluxFrames}): n length32 frames
 * cut at random into 1-20 byte chunks, so a frame spans chunks and a chunk holds several frames;
 * demand is counted in frames. The chunks are made up front on the TCK's thread (an allocator is
 * confined to its thread). What the TCK's subscribers receive and never release, and chunks a
 * cancel left undelivered, are released after each test, so the paranoid leak detector of the
 * JUnit suites that follow sees nothing of this one.
 */
public class FluxFramesTckTest extends PublisherVerification<Segment> {
    /**
     * Chunks are allocated on a thread of their own: the TCK releases on its threads, and a segment
     * released on its allocator's thread is recycled (the same object becomes another segment),
     * which would make the identity bookkeeping below lie.
     */
    private final java.util.concurrent.ExecutorService allocThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tck-alloc");
        t.setDaemon(true);
        return t;
    });
    private final SegmentAllocator alloc = new SegmentAllocator(BufferPool.global());

    @org.testng.annotations.AfterClass
    public void closeAllocator() throws Exception {
        allocThread.submit(alloc::close).get();
        allocThread.shutdown();
    }
    /** Frames the TCK's subscribers got (theirs to release; the TCK does not). */
    private final ConcurrentLinkedQueue<Segment> emitted = new ConcurrentLinkedQueue<>();
    /** Chunks made, and those handed to the operator (which owns them from then on). */
    private final List<Segment> chunksMade = new ArrayList<>();
    private final java.util.Set<Segment> chunksDelivered = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FluxFramesTckTest() {
        super(new TestEnvironment(300));
    }

    @AfterMethod
    public void releaseWhatTheTckKept() {
        for (Segment s; (s = emitted.poll()) != null; ) {
            if (s.refCnt() > 0) {
                s.release();
            }
        }
        synchronized (chunksMade) {
            for (Segment s : chunksMade) {
                if (!chunksDelivered.contains(s) && s.refCnt() > 0) {
                    s.release(); // never emitted: a publisher the TCK did not (fully) subscribe to
                }
            }
            chunksMade.clear();
        }
        chunksDelivered.clear();
    }

    private Flux<Segment> framesOf(long n, boolean failAtEnd) {
        byte[] wire = new byte[(int) (8 * n)];
        for (int i = 0; i < n; i++) {
            int at = 8 * i;
            wire[at + 3] = 4; // length32 prefix: 4-byte payload
            wire[at + 4] = (byte) (i >>> 24);
            wire[at + 5] = (byte) (i >>> 16);
            wire[at + 6] = (byte) (i >>> 8);
            wire[at + 7] = (byte) i;
        }
        // Each subscriber gets chunks of its own (segments have one owner; rule 1.11 subscribes twice).
        Flux<Segment> source = Flux.defer(() -> Flux.fromIterable(chunksFor(wire, n))).doOnNext(chunksDelivered::add);
        if (failAtEnd) {
            source = source.concatWith(Flux.error(new RuntimeException("connection reset (TCK)")));
        }
        return source.transform(Framing.frames(SegmentFunction.length32(64)))
                .doOnNext(emitted::add)
                .doOnDiscard(Segment.class, s -> {
                    if (!chunksDelivered.contains(s) && s.refCnt() > 0) {
                        chunksDelivered.add(s); // discarded by a cancel before delivery: released here, once
                        s.release();
                    }
                });
    }

    private List<Segment> chunksFor(byte[] wire, long n) {
        Random random = new Random(n);
        List<Segment> chunks;
        try {
            chunks = allocThread.submit(() -> {
                List<Segment> out = new ArrayList<>();
                for (int at = 0; at < wire.length; ) {
                    int len = Math.min(wire.length - at, 1 + random.nextInt(20));
                    Segment s = alloc.allocate(len);
                    s.setBytes(0, wire, at, len);
                    out.add(s);
                    at += len;
                }
                return out;
            }).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        synchronized (chunksMade) {
            chunksMade.addAll(chunks);
        }
        return chunks;
    }

    @Override
    public Publisher<Segment> createPublisher(long elements) {
        return framesOf(elements, false);
    }

    @Override
    public Publisher<Segment> createFailedPublisher() {
        return framesOf(0, true);
    }

    @Override
    public long maxElementsFromPublisher() {
        return 4096; // made up front: the unbounded-demand rules are the receive publisher's TCK's
    }
}
