package dev.evpl.reactive.block;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopTimer;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Endpoint;
import dev.evpl.reactive.core.bind.Listener;
import dev.evpl.reactive.core.bind.Protocol;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

/**
 * One loop serves a socket and a file at once: a connection asks for a file, the loop streams it
 * from the block queue into the socket (zero-copy: the read segments are the sent segments) while
 * a 1 ms timer ticks; disk completions, socket events and timer callbacks all run on that one thread.
 */
class OneLoopSocketFileTimerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void diskCompletionsSocketEventsAndTimersInterleaveOnOneThread(BlockProtocol protocol) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(protocol.isAvailable(), () -> "" + protocol.unavailableReason());
        byte[] content = new byte[24 << 20];
        new java.util.Random(11).nextBytes(content);
        Path file = dir.resolve("served");
        Files.write(file, content);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger chunks = new AtomicInteger();
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
             BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults())) {
            EventLoop loop = group.loop(0);
            LoopTimer timer = Mono.fromCallable(() -> loop.timer(() -> {
                threads.add(Thread.currentThread().getName());
                ticks.incrementAndGet();
            }).schedulePeriodic(1, TimeUnit.MILLISECONDS)).subscribeOn(loop).block();
            Listener listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
            listener.attach(loop, (Bind bind) -> {
                threads.add(Thread.currentThread().getName());
                BlockQueue q = dev.queue(loop);
                bind.send(q.readStream(0, Long.MAX_VALUE, 256 * 1024).doOnNext(s -> {
                    threads.add(Thread.currentThread().getName()); // the disk completion's thread
                    chunks.incrementAndGet();
                })).subscribe(done -> bind.finish().subscribe(), e -> bind.close());
            });
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
                s.setSoTimeout(30_000);
                InputStream in = s.getInputStream();
                byte[] received = in.readAllBytes();
                assertThat(received.length).isEqualTo(content.length);
                assertThat(received).isEqualTo(content);
            } finally {
                loop.schedule(timer::cancel);
                listener.dispose();
            }
            assertThat(chunks.get()).isEqualTo(96);
            assertThat(ticks.get()).as("the timer kept ticking during the transfer").isGreaterThan(0);
            assertThat(threads).containsExactly("evpl-loop-0");
        }
        Thread.sleep(Duration.ofMillis(20).toMillis());
    }
}
