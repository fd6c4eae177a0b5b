package dev.evpl.reactive.block;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import reactor.core.publisher.Flux;

/**
 * The Reactive Streams TCK against {@link BlockQueue#readStream}: a real file read on a real loop
 * (io_uring where available, else the thread pool), n chunks of 16 bytes for n elements; the
 * failed publisher reads a device closed after the stream was made. The loop runs on a plain
 * thread (the TCK's probes take locks, which BlockHound would report on a loop thread). Segments
 * the TCK's subscribers keep are released after each test, so the paranoid leak check of the JUnit
 * suites sees nothing of this one.
 */
public class ReadStreamTckTest extends PublisherVerification<Segment> {
    private static final int CHUNK = 16;
    private static final int MAX = 4096;
    private dev.evpl.reactive.testsupport.PlainThreadLoop plain;
    private EventLoop loop;
    private Path dir;
    private BlockDevice device;
    private BlockQueue queue;
    private final ConcurrentLinkedQueue<Segment> emitted = new ConcurrentLinkedQueue<>();

    public ReadStreamTckTest() {
        super(new TestEnvironment(500));
    }

    private static BlockProtocol protocol() {
        return BlockProtocol.IO_URING.isAvailable() ? BlockProtocol.IO_URING : BlockProtocol.THREAD_POOL;
    }

    @BeforeClass
    public void open() throws Exception {
        plain = new dev.evpl.reactive.testsupport.PlainThreadLoop("tck-block-loop");
        loop = plain.loop();
        dir = Files.createTempDirectory("evpl-tck");
        Path file = dir.resolve("data");
        Files.write(file, new byte[CHUNK * MAX]);
        device = BlockDevice.open(protocol(), file, BlockOptions.defaults().queueDepth(8));
        queue = device.queue(loop);
    }

    @AfterClass
    public void close() throws Exception {
        device.close();
        plain.close();
    }

    @AfterMethod
    public void releaseWhatTheTckKept() {
        for (Segment s; (s = emitted.poll()) != null; ) {
            if (s.refCnt() > 0) {
                s.release();
            }
        }
    }

    @Override
    public long maxElementsFromPublisher() {
        return MAX;
    }

    @Override
    public Publisher<Segment> createPublisher(long elements) {
        return Flux.defer(() -> queue.readStream(0, elements * CHUNK, CHUNK)).doOnNext(emitted::add);
    }

    @Override
    public Publisher<Segment> createFailedPublisher() {
        try {
            Path file = dir.resolve("closed-" + System.nanoTime());
            Files.write(file, new byte[CHUNK * 4]);
            BlockDevice closed = BlockDevice.open(protocol(), file, BlockOptions.defaults());
            Flux<Segment> stream = closed.queue(loop).readStream(0, CHUNK * 4, CHUNK);
            closed.close(); // the stream exists; its first read fails: "block device closed"
            return stream.doOnNext(emitted::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
