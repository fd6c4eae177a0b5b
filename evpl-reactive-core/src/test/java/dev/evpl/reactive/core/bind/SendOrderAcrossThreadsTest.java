package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Work submitted from another thread before the loop thread submits (or sends) must go first:
 * the Worker contract, and on a bind the byte order on the wire. The other thread's submission
 * happens-before the loop's through a plain volatile handshake, not through the loop's queue, so
 * the hand-over is still waiting in the loop's inbox when the loop acts.
 */
class SendOrderAcrossThreadsTest {

    /** Runs {@code onLoop} on the loop right after {@code offLoop} ran on this thread (handshake, no queue). */
    private static void handshake(EventLoop loop, Runnable offLoop, Runnable onLoop) {
        AtomicInteger step = new AtomicInteger();
        loop.schedule(() -> {
            step.set(1);
            while (step.get() != 2) {
                // the loop spins for the other thread (BlockHound counts even onSpinWait as blocking)
            }
            onLoop.run();
        });
        while (step.get() != 1) {
            Thread.onSpinWait();
        }
        offLoop.run();
        step.set(2);
    }

    @Test
    void aTaskFromAnotherThreadRunsBeforeALaterOneFromTheLoop() {
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(1).build())) {
            EventLoop loop = group.loop(0);
            for (int i = 0; i < 200; i++) {
                List<String> order = new CopyOnWriteArrayList<>();
                handshake(loop, () -> loop.schedule(() -> order.add("remote")), () -> loop.schedule(() -> order.add("local")));
                for (int k = 0; k < 500 && order.size() < 2; k++) {
                    sleep();
                }
                assertThat(order).as("round %d", i).containsExactly("remote", "local");
            }
        }
    }

    @Test
    void bytesSentFromAnotherThreadFirstGoOutFirst() {
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build())) {
            Listener listener = Listener.listen(Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0));
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            listener.attach(group.loop(1), b -> b.receive().subscribe(s -> {
                synchronized (wire) {
                    wire.writeBytes(s.toByteArray());
                }
                s.release();
            }));
            Bind bind = Bind.connect(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", listener.port()))
                    .block(Duration.ofSeconds(5));
            int rounds = 200;
            for (int i = 0; i < rounds; i++) {
                handshake(bind.loop(), () -> bind.send(new byte[] {'A'}).subscribe(),
                        () -> bind.send(new byte[] {'B'}).subscribe());
            }
            String expected = "AB".repeat(rounds);
            for (int i = 0; i < 500; i++) {
                synchronized (wire) {
                    if (wire.size() >= expected.length()) {
                        break;
                    }
                }
                sleep();
            }
            synchronized (wire) {
                assertThat(wire.toString()).isEqualTo(expected);
            }
            bind.close();
            listener.dispose();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
