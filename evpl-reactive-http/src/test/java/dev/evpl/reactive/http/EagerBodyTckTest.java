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
 * The Reactive Streams TCK against {@link EagerBody} (a streamed response body subscribed ahead of
 * the writer) over a source of n segments.
 */
public class EagerBodyTckTest extends PublisherVerification<Segment> {
    public EagerBodyTckTest() {
        super(new TestEnvironment(500));
    }

    @AfterMethod
    public void release() {
        TckSegments.releaseAll();
    }

    @Override
    public long maxElementsFromPublisher() {
        return 4096;
    }

    @Override
    public Publisher<Segment> createPublisher(long elements) {
        return Flux.defer(() -> new EagerBody(Flux.range(0, (int) elements).map(i -> TckSegments.element(i)), 32));
    }

    @Override
    public Publisher<Segment> createFailedPublisher() {
        return Flux.defer(() -> new EagerBody(Flux.error(new IllegalStateException("source failed")), 32));
    }
}
