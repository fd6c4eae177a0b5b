package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.testsupport.PlainThreadLoop;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Reactive Streams TCK against a TLS bind's decrypted stream, over real TLS connections: for a
 * publisher of n elements, a server sends n one-byte messages (one record each: one decrypted
 * segment each) and then close_notify; the client bind's {@code receive()} is what the TCK
 * subscribes to (through a {@code doOnNext} that records the segments, which the TCK never
 * releases; they are released after each test). The failed publisher is a client whose connection
 * was cut under it (a truncation). Server and client run on two loops on plain threads (the TCK's
 * probes take locks inside signals, which BlockHound reports on a group's loop thread); in-process
 * transport below TLS, the JDK's engine.
 */
public class PlainReceiveTckTest extends PublisherVerification<Segment> {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private PlainThreadLoop serverLoop;
    private PlainThreadLoop clientLoop;
    private TestCertificates certificate;
    private TlsConfig serverTls;
    private TlsConfig clientTls;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Bind> clients = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Segment> emitted = new ConcurrentLinkedQueue<>();

    public PlainReceiveTckTest() {
        super(new TestEnvironment(300));
    }

    @BeforeClass
    public void start() throws Exception {
        serverLoop = new PlainThreadLoop("tck-tls-server");
        clientLoop = new PlainThreadLoop("tck-tls-client");
        certificate = TestCertificates.create(Files.createTempDirectory("tck-tls"), "server", "localhost");
        serverTls = TlsConfig.server(certificate.cert(), certificate.key()).build();
        clientTls = TlsConfig.client().trustPem(certificate.cert()).verifyHostname(false).build();
    }

    @AfterMethod
    public void releaseWhatTheTckKept() {
        clients.forEach(Bind::close);
        clients.clear();
        for (Segment s; (s = emitted.poll()) != null;) {
            if (s.refCnt() > 0) {
                s.release();
            }
        }
    }

    @AfterClass
    public void stop() throws Exception {
        listeners.forEach(Listener::dispose);
        clientLoop.close();
        serverLoop.close();
    }

    /** A listener whose every connection is sent {@code messages} one-byte messages and then close_notify. */
    private Endpoint server(long messages) {
        Endpoint at = Endpoint.inproc("tck-tls-" + NAMES.incrementAndGet());
        Listener l = Listener.listen(TlsTransport.server(Protocol.STREAM_INPROC, serverTls), at);
        listeners.add(l);
        EventLoop loop = serverLoop.loop();
        l.attach(loop, bind -> {
            bind.receive().subscribe(Segment::release, e -> { });
            Flux<Segment> data = Flux.range(0, (int) messages).map(i -> bind.loop().allocator().copyOf(new byte[] {i.byteValue()}));
            // One send per message: each becomes a record of its own, so one decrypted segment.
            data.concatMap(s -> bind.send(Mono.just(s))).then(bind.finish()).subscribe(null, e -> bind.close());
        });
        return at;
    }

    private Bind connect(Endpoint at) {
        Bind c = Bind.connect(clientLoop.loop(), TlsTransport.client(Protocol.STREAM_INPROC, clientTls), at)
                .block(Duration.ofSeconds(10));
        clients.add(c);
        return c;
    }

    @Override
    public Publisher<Segment> createPublisher(long elements) {
        Bind c = connect(server(elements));
        return Flux.from(c.receive()).doOnNext(emitted::add);
    }

    @Override
    public Publisher<Segment> createFailedPublisher() {
        SecureBind c = (SecureBind) connect(server(1_000_000));
        c.transport().close(); // the connection is cut without close_notify: the stream ends in an error
        return Flux.from(c.receive()).doOnNext(emitted::add);
    }

    @Override
    public long maxElementsFromPublisher() {
        return 4096;
    }
}
