package dev.evpl.reactive.http;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SharedAllocator;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import reactor.core.publisher.Flux;

/**
 * Segments for the HTTP body TCK suites: allocated off the loop (so a release never recycles one
 * under the TCK), all remembered, and those the TCK kept released after each test.
 */
final class TckSegments {
    private static final ConcurrentLinkedQueue<Segment> MADE = new ConcurrentLinkedQueue<>();

    private TckSegments() {
    }

    static Segment element(long i) {
        Segment s = SharedAllocator.global().copyOf(new byte[] {(byte) i});
        MADE.add(s);
        return s;
    }

    static void releaseAll() {
        for (Segment s; (s = MADE.poll()) != null; ) {
            if (s.refCnt() > 0) {
                s.release();
            }
        }
    }
}
