package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against the receive publisher every bind uses. The source behind it
 * is a stand-in for the socket: on each credit it "reads" as many elements as the credit allows,
 * on a real event loop, exactly like the socket backends' read callbacks (deliver while
 * {@code credit() > 0}, then stop until {@code resumeReading()}).
 *
 * <p>The loop runs on a plain thread here (the TCK's probes take locks, which BlockHound would
 * report on a loop thread); elements are integers so that no segment can leak into other suites.
 */
public class ReceivePublisherTckTest extends PublisherVerification<Integer> {
    private dev.evpl.reactive.testsupport.PlainThreadLoop plain;
    private EventLoop loop;

    public ReceivePublisherTckTest() {
        super(new TestEnvironment(300));
    }

    @BeforeClass
    public void startLoop() throws Exception {
        plain = new dev.evpl.reactive.testsupport.PlainThreadLoop("tck-loop");
        loop = plain.loop();
    }

    @AfterClass
    public void stopLoop() throws Exception {
        plain.close();
    }

    /** A source that produces {@code elements} integers as credit arrives, then completes. */
    private final class CountingSource extends LoopBoundSource {
        private final long elements;
        private long produced;
        ReceivePublisher<Integer> publisher;

        CountingSource(long elements) {
            super(ReceivePublisherTckTest.this.loop);
            this.elements = elements;
        }

        private boolean scheduled;

        /** Like read interest turning on: the "socket" is served in a later callback, never inline. */
        @Override
        public void resumeReading() {
            if (!scheduled) {
                scheduled = true;
                loop.schedule(this::readable);
            }
        }

        /** Like a read callback: at most 64 "reads" per call (fairness), then yield to the loop. */
        private void readable() {
            scheduled = false;
            long budget = 64;
            while (produced < elements && budget-- > 0 && publisher.credit() > 0) {
                publisher.deliver((int) produced++);
            }
            if (produced == elements) {
                publisher.complete();
            } else if (publisher.credit() > 0) {
                resumeReading();
            }
        }

        @Override
        public void receiveCancelled() {
        }

    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        CountingSource source = new CountingSource(elements);
        source.publisher = new ReceivePublisher<>(source, x -> { });
        if (elements == 0) {
            source.onLoop(source.publisher::complete);
        }

        return source.publisher;
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        CountingSource source = new CountingSource(0);
        ReceivePublisher<Integer> p = new ReceivePublisher<>(source, x -> { });
        source.publisher = p;
        source.onLoop(() -> p.fail(new RuntimeException("connection reset (TCK)")));
        return p;
    }

    @Override
    public long maxElementsFromPublisher() {
        return Long.MAX_VALUE - 1;
    }
}
