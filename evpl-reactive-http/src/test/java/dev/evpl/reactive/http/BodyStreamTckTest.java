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
 * The Reactive Streams TCK against {@link BodyStream} (the request body on the server, the response
 * body on the client) on a real event loop (a plain thread: the TCK's probes take locks, which
 * BlockHound would report on a loop thread), fed the way a connection feeds it: segments already
 * read wait in the connection, each {@code demanded()} delivers as many as the demand allows,
 * inline, then the body completes. It found a nested onNext that Reactor's StrictSubscriber drops.
 */
public class BodyStreamTckTest extends PublisherVerification<Segment> {
    private dev.evpl.reactive.testsupport.PlainThreadLoop plain;
    private EventLoop loop;

    public BodyStreamTckTest() {
        super(new TestEnvironment(500));
    }

    @BeforeClass
    public void startLoop() throws Exception {
        plain = new dev.evpl.reactive.testsupport.PlainThreadLoop("tck-body-loop");
        loop = plain.loop();
    }

    @AfterClass
    public void stopLoop() throws Exception {
        plain.close();
    }

    @AfterMethod
    public void release() {
        TckSegments.releaseAll();
    }

    @Override
    public long maxElementsFromPublisher() {
        return 4096;
    }

    /** Like a connection: what was read waits here; demand delivers it; the end completes the body. */
    private final class Feeder implements BodyStream.Feeder {
        private final ArrayDeque<Segment> read = new ArrayDeque<>();
        private final boolean fail;
        BodyStream body;

        Feeder(long n, boolean fail) {
            this.fail = fail;
            for (long i = 0; i < n; i++) {
                read.add(TckSegments.element(i));
            }
        }

        @Override
        public void demanded() {
            while (body.hasSubscriber() && body.demand > 0 && !read.isEmpty()) {
                body.deliver(read.poll());
            }
            if (read.isEmpty() && body.hasSubscriber()) {
                if (fail) {
                    body.fail(new IllegalStateException("connection reset mid-body"));
                } else {
                    body.complete(HttpHeaders.EMPTY);
                }
            }
        }

        @Override
        public void cancelled() {
            for (Segment s; (s = read.poll()) != null; ) {
                s.release(); // a connection discards the rest of a cancelled body
            }
        }

        @Override
        public boolean attachable() {
            return true;
        }
    }

    private Publisher<Segment> body(long n, boolean fail) {
        return Flux.defer(() -> {
            Feeder f = new Feeder(n, fail);
            BodyStream b = new BodyStream(loop, "request body", f);
            f.body = b;
            if (n == 0 && !fail) {
                loop.execute(() -> b.complete(HttpHeaders.EMPTY)); // an empty body ends without demand
            } else if (fail && n == 0) {
                loop.execute(() -> b.fail(new IllegalStateException("connection reset mid-body")));
            }
            return b;
        });
    }

    @Override
    public Publisher<Segment> createPublisher(long elements) {
        return body(elements, false);
    }

    @Override
    public Publisher<Segment> createFailedPublisher() {
        return body(0, true);
    }
}
