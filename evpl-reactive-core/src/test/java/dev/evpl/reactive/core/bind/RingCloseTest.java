package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.LoopConfig;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Closing an io_uring bind while its operations are queued or in flight: the descriptor stays
 * open, and the memory a write reads stays out of the pool, until the kernel completed the last
 * operation that names them. A descriptor number closed earlier is taken by the next accept, and
 * a write still waiting for a ring slot would then go out on another client's connection.
 */
class RingCloseTest {
    private EventLoopGroup server;
    private EventLoopGroup clients;
    private Listener listener;
    private final ConcurrentLinkedQueue<Bind> accepted = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void setUp() {
        assumeTrue(Protocol.STREAM_IO_URING_TCP.isAvailable(), Protocol.STREAM_IO_URING_TCP::unavailableReason);
        // One plain RECV per connection (no provided buffers): 8 connections fill an 8-entry ring's
        // one-shot limit, so a write queued next waits for a slot.
        dev.evpl.reactive.core.internal.uring.ProvidedBuffers.refuseForTests(true);
        server = EventLoopGroup.create(GroupConfig.builder().threads(1).loopConfig(LoopConfig.builder().uring(dev.evpl.reactive.core.UringConfig.builder().entries(8).build()).build()).build());
        clients = EventLoopGroup.create(GroupConfig.builder().threads(1).build());
        listener = Listener.listen(Protocol.STREAM_IO_URING_TCP, Endpoint.inet("127.0.0.1", 0));
        listener.attach(server.loop(0), bind -> {
            accepted.add(bind);
            bind.receive().subscribe(Segment::release, e -> { });
        });
    }

    @AfterEach
    void tearDown() {
        dev.evpl.reactive.core.internal.uring.ProvidedBuffers.refuseForTests(false);
        if (listener != null) {
            listener.dispose();
        }
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private List<Bind> connect(int n) {
        Endpoint to = Endpoint.inet("127.0.0.1", listener.port());
        List<Bind> binds = Flux.range(0, n).concatMap(i -> Bind.connect(clients.loop(0), Protocol.STREAM_SOCKET_TCP, to))
                .collectList().block(Duration.ofSeconds(10));
        for (int i = 0; i < 500 && accepted.size() < n; i++) {
            sleep(10);
        }
        assertThat(accepted).hasSize(n);
        return binds;
    }

    @Test
    void aBindClosedWithAWriteWaitingForASlotKeepsItsDescriptorUntilTheWriteCompleted() {
        List<Bind> peers = connect(8);
        SocketStreamBind a = (SocketStreamBind) accepted.peek();
        EventLoop loop = server.loop(0);
        Mono.fromRunnable(() -> {
            Segment secret = loop.allocator().copyOf("SECRET".getBytes(StandardCharsets.US_ASCII));
            a.send(secret).subscribe(c -> { }, e -> { }); // flushed at the end of this pass
        }).subscribeOn(loop).block(Duration.ofSeconds(5));
        int waiting = Mono.fromCallable(() -> LoopRing.of(loop).waiting()).subscribeOn(loop).block(Duration.ofSeconds(5));
        assertThat(waiting).as("the WRITEV waits: the ring's 8 slots hold RECVs").isEqualTo(1);
        boolean[] openAfterClose = Mono.fromCallable(() -> {
            a.close();
            int fd = a.fd();
            return new boolean[] {LIBC.fcntl(fd, Linux.F_GETFL, 0) >= 0, a.descriptorReleased()};
        }).subscribeOn(loop).block(Duration.ofSeconds(5));
        assertThat(openAfterClose[0]).as("the descriptor is still open right after close()").isTrue();
        assertThat(openAfterClose[1]).isFalse();
        // The shutdown ends the RECVs, the WRITEV gets its slot and fails; then the descriptor goes.
        boolean released = false;
        for (int i = 0; i < 500 && !released; i++) {
            released = Mono.fromCallable(a::descriptorReleased).subscribeOn(loop).block(Duration.ofSeconds(5));
            if (!released) {
                sleep(10);
            }
        }
        assertThat(released).as("descriptor released once the kernel finished").isTrue();
        peers.forEach(Bind::close);
    }

    /**
     * The black-box form, 50 times: eight fillers hold the ring's slots with their receives; a
     * victim connection (not receiving) is closed with a write waiting for a slot; a newcomer
     * connects (the kernel hands it the lowest free descriptor number); then a filler's client
     * sends a byte, its receive completes and the waiting write gets the slot. The newcomer's
     * client must receive nothing: before the fix it received the victim's bytes.
     */
    @Test
    void noClientEverReceivesAnotherConnectionsQueuedWrite() {
        tearDownListener();
        ConcurrentLinkedQueue<Bind> fillers = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Bind> others = new ConcurrentLinkedQueue<>();
        listener = Listener.listen(Protocol.STREAM_IO_URING_TCP, Endpoint.inet("127.0.0.1", 0));
        listener.attach(server.loop(0), bind -> {
            if (fillers.size() < 8) {
                fillers.add(bind);
                bind.receive().subscribe(Segment::release, e -> { });
            } else {
                others.add(bind); // victims and newcomers: no receive, so nothing of theirs takes a slot
            }
        });
        Endpoint to = Endpoint.inet("127.0.0.1", listener.port());
        List<Bind> fillerClients = Flux.range(0, 8).concatMap(i -> Bind.connect(clients.loop(0), Protocol.STREAM_SOCKET_TCP, to))
                .collectList().block(Duration.ofSeconds(10));
        awaitSize(fillers, 8);
        EventLoop loop = server.loop(0);
        StringBuilder leaked = new StringBuilder();
        List<Bind> newcomers = new java.util.ArrayList<>();
        for (int round = 0; round < 50; round++) {
            Bind victimClient = Bind.connect(clients.loop(0), Protocol.STREAM_SOCKET_TCP, to).block(Duration.ofSeconds(5));
            awaitSize(others, 1);
            Bind victim = others.poll();
            String secret = "SECRET-" + round;
            // sent in one task (its WRITEV is submitted at the end of that pass and waits for a slot),
            // closed in the next
            Mono.fromRunnable(() -> victim.send(loop.allocator().copyOf(secret.getBytes(StandardCharsets.US_ASCII)))
                    .subscribe(c -> { }, e -> { })).subscribeOn(loop).block(Duration.ofSeconds(5));
            Mono.fromRunnable(victim::close).subscribeOn(loop).block(Duration.ofSeconds(5));
            // The newcomer's two sockets (its client's and the accepted one) are both in this process:
            // either may be handed the victim's old number, so both record what reaches them.
            Bind newcomer = Bind.connect(clients.loop(0), Protocol.STREAM_SOCKET_TCP, to).block(Duration.ofSeconds(5));
            awaitSize(others, 1);
            Bind newcomerServer = others.poll();
            for (Bind side : List.of(newcomer, newcomerServer)) {
                side.receive().subscribe(s -> {
                    try {
                        synchronized (leaked) {
                            leaked.append(s.toString(StandardCharsets.US_ASCII));
                        }
                    } finally {
                        s.release();
                    }
                }, e -> { });
            }
            newcomers.add(newcomer);
            newcomers.add(newcomerServer);
            // a filler's receive completes: the slot goes to the victim's waiting write
            fillerClients.get(round % 8).sendString("x").block(Duration.ofSeconds(5));
            sleep(5);
            victimClient.close();
        }
        sleep(200);
        synchronized (leaked) {
            assertThat(leaked.toString()).as("bytes another connection's write put on a newcomer").isEmpty();
        }
        newcomers.forEach(Bind::close);
        fillerClients.forEach(Bind::close);
    }

    private void tearDownListener() {
        listener.dispose();
        accepted.clear();
    }

    private static void awaitSize(ConcurrentLinkedQueue<Bind> q, int n) {
        for (int i = 0; i < 500 && q.size() < n; i++) {
            sleep(2);
        }
        assertThat(q.size()).isGreaterThanOrEqualTo(n);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
