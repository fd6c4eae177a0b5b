package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SharedAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against the subscriber behind {@link Bind#send(org.reactivestreams.Publisher)}
 * on a real TCP connection (its peer reads and drops): the subscriber the bind gives the publisher
 * is captured and handed to the TCK, which drives it from its own threads. Each test gets a fresh
 * connection; afterwards the connections close (failing what they still queue) and segments the
 * TCK made but never delivered are released, so the JUnit suites' leak check sees nothing of it.
 */
public class SendSubscriberTckTest extends SubscriberBlackboxVerification<Segment> {
    private EventLoopGroup group;
    private Listener listener;
    private final List<Bind> binds = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Segment> made = new ConcurrentLinkedQueue<>();

    public SendSubscriberTckTest() {
        super(new TestEnvironment(500));
    }

    @BeforeClass
    public void start() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
        listener.attach(group.loop(0), b -> b.receive().subscribe(Segment::release, e -> b.close(), b::close));
    }

    @AfterClass
    public void stop() {
        listener.dispose();
        group.close();
    }

    @AfterMethod
    public void closeAndRelease() throws InterruptedException {
        for (Bind b : binds) {
            b.close();
        }
        binds.clear();
        TimeUnit.MILLISECONDS.sleep(50); // the closes run on the loop and release what was queued
        for (Segment s; (s = made.poll()) != null; ) {
            if (s.refCnt() > 0) {
                s.release(); // made by createElement, never handed to the subscriber
            }
        }
    }

    @Override
    public Subscriber<Segment> createSubscriber() {
        Bind bind = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                .block(Duration.ofSeconds(10));
        binds.add(bind);
        CompletableFuture<Subscriber<? super Segment>> captured = new CompletableFuture<>();
        bind.send(captured::complete).subscribe(c -> { }, e -> { });
        try {
            @SuppressWarnings("unchecked")
            Subscriber<Segment> s = (Subscriber<Segment>) captured.get(10, TimeUnit.SECONDS);
            return s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Segment createElement(int element) {
        // allocated off the loop: released by the bind on the loop, so never recycled under the TCK
        Segment s = SharedAllocator.global().copyOf(new byte[] {(byte) element, (byte) (element >>> 8)});
        made.add(s);
        return s;
    }
}
